package server

import "sync"

// kept is a set of values computed once per key and kept for repeats,
// bounded: when full it is emptied (repeats refill it at once), which is
// all the per-request caches here need, with no order to keep.
type kept[K comparable, V any] struct {
	mu     sync.Mutex
	values map[K]V
	max    int
}

func newKept[K comparable, V any](max int) *kept[K, V] {
	return &kept[K, V]{values: make(map[K]V), max: max}
}

func (k *kept[K, V]) get(key K) (V, bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	v, ok := k.values[key]
	return v, ok
}

func (k *kept[K, V]) put(key K, v V) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if len(k.values) >= k.max {
		clear(k.values)
	}
	k.values[key] = v
}

func (k *kept[K, V]) len() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return len(k.values)
}
