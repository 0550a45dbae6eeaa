package annual

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"time"
)

// ReminderDays are the days before the deadline a participant that has
// not submitted is reminded at.
var ReminderDays = []int{30, 7, 1}

// due is the reminder due with days left before the deadline: the
// nearest of ReminderDays not below it. A reminder whose time passed
// while another became due is not sent late: only the most urgent goes.
func due(daysLeft int) (int, bool) {
	if daysLeft < 0 {
		return 0, false
	}
	best, ok := 0, false
	for _, d := range ReminderDays {
		if daysLeft <= d && (!ok || d < best) {
			best, ok = d, true
		}
	}
	return best, ok
}

// Remind sends the reminders due now to each participant whose report is
// neither submitted nor accepted: on its e-cabinet's annual page (the
// report's history) and by e-mail to its address. Each reminder is
// claimed in the database, so that it goes exactly once however many
// servers run this. It returns how many were sent.
func (s *Service) Remind(ctx context.Context) (int, error) {
	today := s.today()
	year := s.now().Year()
	sent := 0
	for _, y := range []int{year - 1, year} {
		fs, err := s.store.AnnualForms(ctx, y, "")
		if err != nil {
			return sent, err
		}
		for _, f := range fs {
			if f.State == Submitted || f.State == Accepted {
				continue
			}
			d, ok := due(daysBetween(today, f.Deadline))
			if !ok {
				continue
			}
			mails, err := s.mailTo(ctx, f.Participant, mailReminder(f.Year, f.Deadline, d))
			if err != nil {
				return sent, err
			}
			claimed, err := s.store.ClaimAnnualReminder(ctx, f.ID, d, mails)
			if err != nil {
				return sent, err
			}
			if claimed {
				sent++
			}
		}
	}
	return sent, nil
}

func mailReminder(year int, deadline string, days int) letter {
	return letter{fmt.Sprintf("İllik hesabat %d: son tarix %s / Annual report %d due %s", year, deadline, year, deadline),
		fmt.Sprintf("%d-ci il üzrə illik hesabatın təqdim edilməsinə %d gün qalıb (son tarix %s, Bakı vaxtı ilə günün sonu).\n"+
			"Your annual report for %d is due in %d day(s): by the end of %s, Baku time.\n\n"+
			"Осталось %d дн. до срока представления годового отчёта за %d год (%s, конец дня по Баку).",
			year, days, deadline, year, days, deadline, days, year, deadline)}
}

// Run sends the due reminders and refreshes the Data Bank's figures of
// the years with forms, now and then every interval until ctx ends,
// logging failures. One server at a time refreshes the figures (a lease).
func (s *Service) Run(ctx context.Context, log *slog.Logger, interval time.Duration) {
	host, _ := os.Hostname()
	holder := fmt.Sprintf("%s/%d", host, os.Getpid())
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if n, err := s.Remind(ctx); err != nil {
			if ctx.Err() == nil {
				log.Warn("annual reminders failed", "err", err)
			}
		} else if n > 0 {
			log.Info("annual reminders sent", "count", n)
		}
		if err := s.refreshCurrent(ctx, holder); err != nil && ctx.Err() == nil {
			log.Warn("annual figures not refreshed", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// refreshCurrent refreshes the figures of this and last year's forms,
// unless another server is doing it.
func (s *Service) refreshCurrent(ctx context.Context, holder string) error {
	ok, err := s.store.AcquireLease(ctx, "annual-measures", holder, 30*time.Minute)
	if err != nil || !ok {
		return err
	}
	defer s.store.ReleaseLease(context.WithoutCancel(ctx), "annual-measures", holder)
	years, err := s.store.AnnualYears(ctx)
	if err != nil {
		return err
	}
	for _, y := range years {
		if y >= s.now().Year()-1 {
			if err := s.RefreshMeasures(ctx, y); err != nil {
				return err
			}
		}
	}
	return nil
}
