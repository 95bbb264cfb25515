package graph

import (
	"context"
	"reflect"
	"time"

	"github.com/aidregistry/registry/ent"
	"github.com/aidregistry/registry/internal/apperr"
	"github.com/aidregistry/registry/internal/gid"
)

// tx is the client of the operation's transaction (entgql.Transactioner
// opens one per mutation operation); writing through the root client would
// escape it.
func (r *Resolver) tx(ctx context.Context) *ent.Client {
	if c := ent.FromContext(ctx); c != nil {
		return c
	}
	return r.client
}

// ofType refuses an id of another type where one type is expected
// (updateProgramme given an organisation's id).
func ofType(id int, want string) error {
	if got, _ := gid.TypeOf(id); got != want {
		e := apperr.Errorf(apperr.BadUserInput, "%s is not the id of a %s", gid.Encode(id), want)
		e.Field = "id"
		return e
	}
	return nil
}

// update runs an update that, when expectedUpdatedAt is given, only matches
// the record as the client last read it. No match means the record is gone
// (NOT_FOUND) or was changed since (CONFLICT).
func update[T any](ctx context.Context, c *ent.Client, typ string, id int, expected *time.Time, save func(context.Context) (T, error)) (T, error) {
	var zero T
	if err := ofType(id, typ); err != nil {
		return zero, err
	}
	v, err := save(ctx)
	if err == nil || !ent.IsNotFound(err) {
		return v, err
	}
	n, nerr := c.Noder(context.Background(), id)
	if nerr != nil {
		return zero, apperr.Errorf(apperr.NotFound, "no %s has the id %q", typ, gid.Encode(id))
	}
	if expected != nil {
		current := updatedAt(n)
		e := apperr.Errorf(apperr.Conflict, "this %s was changed at %s, after the expectedUpdatedAt %s; read it again and reapply your change",
			typ, current.Format(time.RFC3339Nano), expected.Format(time.RFC3339Nano))
		e.Field = "expectedUpdatedAt"
		return zero, e
	}
	return zero, err
}

// remove deletes a record and returns its id.
func remove(ctx context.Context, typ string, id int, exec func(context.Context) error) (int, error) {
	if err := ofType(id, typ); err != nil {
		return 0, err
	}
	if err := exec(ctx); err != nil {
		if ent.IsNotFound(err) {
			return 0, apperr.Errorf(apperr.NotFound, "no %s has the id %q", typ, gid.Encode(id))
		}
		return 0, err
	}
	return id, nil
}

// updatedAt reads the timestamp every entity has through its mixin (ent
// generates no getter for it).
func updatedAt(n ent.Noder) time.Time {
	v := reflect.ValueOf(n)
	if v.Kind() == reflect.Pointer {
		v = v.Elem()
	}
	if f := v.FieldByName("UpdatedAt"); f.IsValid() {
		if t, ok := f.Interface().(time.Time); ok {
			return t
		}
	}
	return time.Time{}
}
