package main

import "github.com/idbridge/idbridge/host/store"

func storeFilter(outcome string) store.EntryFilter {
	return store.EntryFilter{Outcome: outcome, Page: store.Page{Limit: store.MaxPageSize}}
}
