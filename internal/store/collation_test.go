package store_test

import (
	"context"
	"testing"

	"github.com/aidregistry/registry/ent/programme"
	"github.com/aidregistry/registry/internal/auth"
	"github.com/aidregistry/registry/internal/money"
	"github.com/aidregistry/registry/internal/store"
	"github.com/aidregistry/registry/internal/storetest"
)

// TestAmountsCompareAsNumbers: filters and ordering on amounts follow their
// value on both stores, though SQLite keeps them as text.
func TestAmountsCompareAsNumbers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := auth.AsSystem(context.Background())
		for code, amount := range map[string]string{"A": "79929.00", "B": "100000", "C": "9.5", "D": "100000.00", "E": "0.5"} {
			err := s.Client.Programme.Create().SetCode(code).SetTitle(code).
				SetBudgetAmount(money.MustParse(amount)).SetBudgetCurrency("USD").Exec(ctx)
			if err != nil {
				t.Fatal(err)
			}
		}
		cases := []struct {
			name string
			got  func() ([]string, error)
			want []string
		}{
			{"greater than 80000", func() ([]string, error) {
				return s.Client.Programme.Query().Where(programme.BudgetAmountGT(money.MustParse("80000"))).
					Order(programme.ByCode()).Select(programme.FieldCode).Strings(ctx)
			}, []string{"B", "D"}},
			{"equal to 100000 at any scale", func() ([]string, error) {
				return s.Client.Programme.Query().Where(programme.BudgetAmountEQ(money.MustParse("100000.0"))).
					Order(programme.ByCode()).Select(programme.FieldCode).Strings(ctx)
			}, []string{"B", "D"}},
			{"ordered by amount", func() ([]string, error) {
				return s.Client.Programme.Query().
					Order(programme.ByBudgetAmount(), programme.ByCode()).Select(programme.FieldCode).Strings(ctx)
			}, []string{"E", "C", "A", "B", "D"}},
		}
		for _, c := range cases {
			got, err := c.got()
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			if len(got) != len(c.want) {
				t.Errorf("%s: got %v, want %v", c.name, got, c.want)
				continue
			}
			for i := range got {
				if got[i] != c.want[i] {
					t.Errorf("%s: got %v, want %v", c.name, got, c.want)
					break
				}
			}
		}
		p, err := s.Client.Programme.Query().Where(programme.Code("A")).Only(ctx)
		if err != nil || p.BudgetAmount.String() != "79929.00" {
			t.Errorf("stored amount came back as %v (%v), want 79929.00", p.BudgetAmount, err)
		}
	})
}
