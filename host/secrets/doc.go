// Package secrets keeps integration credentials secret: encrypted at rest,
// masked wherever they could be shown.
//
// A Box seals values with AES-256-GCM under the host's master key. The key
// lives in the data folder as master.key (created on first start, mode
// 0600) or comes from the IDBRIDGE_MASTER_KEY environment variable, so an
// operator can keep it out of the data folder and its backups. Every sealed
// value names the key that sealed it, so a future rotation can open old
// values with the old key while sealing new ones with the new key, and a
// wrong key is reported as such rather than as corruption.
//
// Rotation moves stored values to a new master key. A Rotator re-seals one
// value (old key in, new key out, checked before it is returned);
// ResealDocs walks every place StoredLocations names and rewrites each
// document once. Values already under the new key are left alone and
// values that open with neither key are reported and kept byte for byte,
// so a rotation can always be run again. ReadMasterKey finds the key the
// host would use without creating one, and WriteMasterKeyFile replaces
// master.key atomically once every value is under the new key.
//
// Sealing binds the ciphertext to associated data chosen by the caller
// (Binding("integration", id, "apiKey")): a sealed value copied into another
// integration or another setting no longer opens.
//
// A Masker knows every secret value in use and replaces it with "****" in
// strings and bytes; MaskingWriter, NewLogger and WrapLogger apply it to
// logs so that no log line can carry a secret, whoever wrote the log call.
package secrets
