package validate_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aidregistry/registry/internal/auth"
	"github.com/aidregistry/registry/internal/store"
	"github.com/aidregistry/registry/internal/storetest"
	"github.com/aidregistry/registry/internal/validate"
)

// A code the caller vouches for is not asked again; any other code still
// is, and a duplicate is refused with its reason.
func TestCodeFreeVouchesForOneCode(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := auth.AsSystem(context.Background())
		c := st.Client
		if err := c.Programme.Create().SetCode("A-1").SetTitle("first").Exec(ctx); err != nil {
			t.Fatal(err)
		}
		free := validate.CodeFree(ctx, "B-2")
		before := st.Counter.Count()
		if err := c.Programme.Create().SetCode("B-2").SetTitle("second").Exec(free); err != nil {
			t.Fatal(err)
		}
		unvouched := st.Counter.Count() - before
		before = st.Counter.Count()
		if err := c.Programme.Create().SetCode("C-3").SetTitle("third").Exec(ctx); err != nil {
			t.Fatal(err)
		}
		if asked := st.Counter.Count() - before; asked != unvouched+1 {
			t.Errorf("%d statements vouched for, %d not: want one less", unvouched, asked)
		}
		err := c.Programme.Create().SetCode("A-1").SetTitle("again").Exec(free)
		if err == nil || !strings.Contains(err.Error(), `a programme with code "A-1" already exists`) {
			t.Errorf("duplicate code under another code's voucher: %v", err)
		}
	})
}
