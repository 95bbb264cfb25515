package server

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/aidregistry/registry/ent"
	"github.com/aidregistry/registry/internal/apperr"
	"github.com/aidregistry/registry/internal/interchange"
	"github.com/aidregistry/registry/internal/store"
)

// mountExports serves the bulk exports, each streamed a page at a time:
//
//	GET /export/iati.xml                  IATI 2.03 activity XML of the programmes
//	GET /export/programmes.csv|.ndjson    one row (line) per programme
//	GET /export/fundings.csv|.ndjson      one row (line) per funding
//	GET /export/organisations.csv|.ndjson one row (line) per organisation
//
// ?where= takes the GraphQL where argument of the matching connection as
// JSON (programmes for iati.xml). A bad filter is a 400 with a coded JSON
// error; a failure once the body has started aborts the response, so a
// client never takes a cut export for a whole one.
//
// Exports are reads: with --private they need a key like every request.
func mountExports(mux *http.ServeMux, st *store.Store, logger *slog.Logger, withKey func(http.Handler) http.Handler) {
	handle := func(pattern string, h http.HandlerFunc) { mux.Handle(pattern, withKey(reachable(st, h))) }
	handle("GET /export/iati.xml", func(w http.ResponseWriter, r *http.Request) {
		raw := r.URL.Query().Get("where")
		where, err := interchange.ParseWhere[ent.ProgrammeWhereInput](raw)
		if err == nil {
			err = checkWhere(interchange.Programmes, raw)
		}
		if err != nil {
			badExport(w, err)
			return
		}
		w.Header().Set("Content-Type", "application/xml; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="iati.xml"`)
		// How many programmes IATI's schema could not take is known only
		// at the end: a trailer says it.
		w.Header().Set("Trailer", "X-Export-Skipped")
		res, err := interchange.ExportIATI(r.Context(), st.Client, w, interchange.IATIOptions{
			Where: where, Flush: flusher(w), Skipped: func(interchange.Skip) {},
		})
		if err != nil {
			logger.ErrorContext(r.Context(), "IATI export failed", "error", err, "written", res.Written)
			panic(http.ErrAbortHandler)
		}
		skipped := res.LeftOut
		w.Header().Set("X-Export-Skipped", fmt.Sprint(skipped))
		if skipped > 0 {
			logger.InfoContext(r.Context(), "IATI export left programmes out", "written", res.Written, "skipped", skipped)
		}
	})
	for _, table := range interchange.Tables {
		for _, format := range []interchange.Format{interchange.CSV, interchange.NDJSON} {
			contentType := "text/csv; charset=utf-8"
			if format == interchange.NDJSON {
				contentType = "application/x-ndjson"
			}
			name := fmt.Sprintf("%s.%s", table, format)
			handle("GET /export/"+name, func(w http.ResponseWriter, r *http.Request) {
				where := r.URL.Query().Get("where")
				// Check the filter before the first byte goes out.
				if err := checkWhere(table, where); err != nil {
					badExport(w, err)
					return
				}
				w.Header().Set("Content-Type", contentType)
				w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", name))
				err := interchange.ExportTable(r.Context(), st.Client, w, table, format,
					interchange.TableOptions{Where: where, Flush: flusher(w)})
				if err != nil {
					logger.ErrorContext(r.Context(), "export failed", "export", name, "error", err)
					panic(http.ErrAbortHandler)
				}
			})
		}
	}
}

// checkWhere reads a where filter and builds the ent predicate from it, as
// the export will once it has started, so that every fault in it (too long,
// too deep, an unknown field, an empty and/or/not) is a 400 before the
// first byte of the export goes out.
func checkWhere(table interchange.Table, where string) error {
	switch table {
	case interchange.Programmes:
		return buildWhere(where, (*ent.ProgrammeWhereInput).P, ent.ErrEmptyProgrammeWhereInput)
	case interchange.Fundings:
		return buildWhere(where, (*ent.FundingWhereInput).P, ent.ErrEmptyFundingWhereInput)
	case interchange.Organisations:
		return buildWhere(where, (*ent.OrganisationWhereInput).P, ent.ErrEmptyOrganisationWhereInput)
	}
	return fmt.Errorf("no export of %s", table)
}

// buildWhere parses where and builds its predicate; an empty filter ({})
// is every record, as in GraphQL, but an empty one inside and/or/not is
// refused, as ent refuses it there.
func buildWhere[T, P any](where string, build func(*T) (P, error), empty error) error {
	in, err := interchange.ParseWhere[T](where)
	if err != nil || in == nil {
		return err
	}
	if _, err := build(in); err != nil && err != empty { // identity, as ent's Filter compares
		return apperr.Errorf(apperr.BadUserInput, "where: %v", err)
	}
	return nil
}

// reachable answers 503 UNAVAILABLE, before an export starts, when the
// store cannot be reached: once the body has started, a failure can only
// cut the response.
func reachable(st *store.Store, next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
		err := st.DB.PingContext(ctx)
		cancel()
		if err != nil && r.Context().Err() == nil {
			apperr.WriteHTTP(w, http.StatusServiceUnavailable, apperr.Unavailable, unavailableMessage)
			return
		}
		next(w, r)
	}
}

func badExport(w http.ResponseWriter, err error) {
	msg := "the where parameter is not a valid filter"
	if e, ok := apperr.As(err); ok {
		msg = e.Message
	}
	apperr.WriteHTTP(w, http.StatusBadRequest, apperr.BadUserInput, msg)
}

func flusher(w http.ResponseWriter) func() {
	return func() { _ = http.NewResponseController(w).Flush() }
}
