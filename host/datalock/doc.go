// Package datalock keeps one idbridge process at a time on a data folder.
//
// Two hosts on one folder would both watch the directory and both run the
// queue, and an offline command such as `idbridge secrets rotate-key` must
// not race a host that is starting. Every process that works on a data
// folder takes its lock first: an advisory lock on DATA/idbridge.lock held
// for as long as the process works there and released by the operating
// system when the process ends, however it ends, so a crash never leaves
// a folder locked.
package datalock
