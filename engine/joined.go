package engine

import (
	"errors"
	"sort"
	"sync"
)

// eachJoined runs do for every item at once and returns all their errors
// joined, in a stable order: one image failing does not stop the others,
// and the report lists every failure.
func eachJoined[T any](items []T, do func(T) error) error {
	var mu sync.Mutex
	var failed []error
	var wg sync.WaitGroup
	for _, it := range items {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := do(it); err != nil {
				mu.Lock()
				failed = append(failed, err)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	sort.Slice(failed, func(i, j int) bool { return failed[i].Error() < failed[j].Error() })
	return errors.Join(failed...)
}
