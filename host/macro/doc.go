// Package macro is the template language admins write in webhook URLs,
// headers and bodies, in custom endpoint parameters and in data-source custom
// formats.
//
// The syntax follows what admins of ADManager-style tools already know: a
// macro is written between percent signs and names a value by namespace and
// name, optionally wrapped in format functions:
//
//	%ad.mail%                          an AD attribute of the object
//	%integration.workspaceId%          a setting of the integration
//	%steps.addUser.id%                 an output of an earlier step
//	%object.dn%                        facts about the object itself
//	%record.email%                     a field of an app record (data sources)
//	%lower(ad.mail)%                   a format function
//	%replace(ad.department, " ", "-")% string literals in double quotes
//	%default(ad.title, "Staff")%       the only way a missing value renders
//	%date(now, "yyyy-MM-dd")%          .NET / PowerShell style date layouts
//	%%                                 a literal percent sign
//
// The package works in three stages so that mistakes surface as early as
// possible:
//
//   - [Parse] turns a template into an AST and reports syntax errors with
//     line and column.
//   - [Check] validates every reference and function call against a [Scope],
//     the list of what exists in the place the template is saved (directory
//     schema attributes, integration settings, outputs of earlier steps). It
//     runs at save time, so an unknown macro is refused then, with a
//     suggestion, rather than failing a run at night.
//   - [Template.Render] is strict: a missing or empty value fails with an
//     error naming the macro and the object; an empty string is never sent
//     in place of a value unless default() supplies one. Each value is
//     escaped for the place it lands in ([Context]): a URL path segment, a
//     query value, a JSON body, a form, XML, a header or plain text.
//
// [Available] and [Functions] feed the macro chooser of the console.
//
// Conditions in orchestration templates are not macros: they are CEL
// expressions, see the condition sub-package.
package macro
