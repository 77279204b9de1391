package central_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"onewindow/app"
	"onewindow/sync/central"
	"onewindow/sync/scene"
	"onewindow/sync/wire"
)

func TestOpinionsDecideCases(t *testing.T) {
	type step struct {
		dept    string
		approve bool
		want    app.CaseState // the decision after this opinion
		waiting int
	}
	for _, tc := range []struct {
		name  string
		item  string
		steps []step
	}{
		{"one department approves", "GA-001", []step{{"gongan", true, app.Approved, 0}}},
		{"one department denies", "GA-001", []step{{"gongan", false, app.Denied, 0}}},
		{"either of two departments decides alone", "CL-002", []step{{"canlian", true, app.Approved, 0}}},
		{"parallel: all approve", "RS-008", []step{
			{"renshe", true, app.InReview, 2}, {"gjj", true, app.InReview, 1}, {"yibao", true, app.Approved, 0}}},
		{"parallel: one denies", "RS-008", []step{
			{"renshe", true, app.InReview, 2}, {"yibao", false, app.InReview, 1}, {"gjj", true, app.Denied, 0}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			scene.Backends(t, func(t *testing.T, dsn string) {
				ctx := context.Background()
				s := newScene(t, dsn)
				kase := s.accept(t, tc.item, 1)
				s.push(t, s.batch(t))
				before, _ := s.c.Version(ctx)
				for _, st := range tc.steps {
					reason := ""
					if !st.approve {
						reason = "材料不符合要求"
					}
					ans, err := s.c.RecordOpinion(ctx, wire.Opinion{Case: kase.Number, Department: st.dept, Approve: st.approve, Reason: reason})
					if err != nil {
						t.Fatalf("opinion of %s: %v", st.dept, err)
					}
					if ans.Decision != st.want || len(ans.Waiting) != st.waiting {
						t.Fatalf("after %s's opinion: %s waiting for %v; want %s waiting for %d", st.dept, ans.Decision, ans.Waiting, st.want, st.waiting)
					}
				}
				// The hall is told every department's opinion, in order, each
				// with its own verdict and reason and the state it leaves.
				ch, err := s.c.Changes(ctx, scene.Hall, before, 0)
				if err != nil {
					t.Fatal(err)
				}
				if len(ch.Changes) != len(tc.steps) {
					t.Fatalf("the hall is told %d changes; want one per opinion, %d", len(ch.Changes), len(tc.steps))
				}
				for i, c := range ch.Changes {
					var d app.CentralDecision
					json.Unmarshal(c.Body, &d)
					st := tc.steps[i]
					if c.Kind != wire.ChangeDecision || d.Case != kase.Number || d.Department != st.dept ||
						d.Approve != st.approve || d.State != st.want || (!st.approve && d.Note != "材料不符合要求") {
						t.Errorf("change %d is %s %+v; want %s's own opinion on %s leaving it %s", c.Version, c.Kind, d, st.dept, kase.Number, st.want)
					}
				}
				// Once decided, no department may change it.
				_, err = s.c.RecordOpinion(ctx, wire.Opinion{Case: kase.Number, Department: tc.steps[0].dept, Approve: true})
				if !errors.Is(err, central.ErrConflict) {
					t.Errorf("an opinion after the decision: %v; want ErrConflict", err)
				}
			})
		})
	}
}

func TestOpinionsRefused(t *testing.T) {
	scene.Backends(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		s := newScene(t, dsn)
		kase := s.accept(t, "RS-008", 1)
		submitted, err := s.st.TakeIn(ctx, storeIntake(t, s, "GA-001"))
		if err != nil {
			t.Fatal(err)
		}
		s.push(t, s.batch(t))
		if _, err := s.c.RecordOpinion(ctx, wire.Opinion{Case: kase.Number, Department: "renshe", Approve: true}); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			name string
			o    wire.Opinion
			want error
			text string
		}{
			{"unknown case", wire.Opinion{Case: "330106K01-20261123-999999", Department: "gongan", Approve: true}, app.ErrNotFound, "999999"},
			{"department not deciding", wire.Opinion{Case: kase.Number, Department: "gongan", Approve: true}, app.ErrInvalidInput, `"gongan" does not decide`},
			{"denial without reason", wire.Opinion{Case: kase.Number, Department: "gjj"}, app.ErrInvalidInput, "reason"},
			{"second opinion of a department", wire.Opinion{Case: kase.Number, Department: "renshe", Approve: false, Reason: "改主意"}, central.ErrConflict, "already"},
			{"case not accepted", wire.Opinion{Case: submitted.Number, Department: "gongan", Approve: true}, central.ErrConflict, "submitted"},
		} {
			before, _ := s.c.Version(ctx)
			_, err := s.c.RecordOpinion(ctx, tc.o)
			if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.text) {
				t.Errorf("%s: %v; want %v mentioning %q", tc.name, err, tc.want, tc.text)
			}
			if after, _ := s.c.Version(ctx); after != before {
				t.Errorf("%s: the refused opinion moved the version from %d to %d", tc.name, before, after)
			}
		}
	})
}
