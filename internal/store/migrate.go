package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
)

// Migrations live in migrations/NNNN_name.sql, one set for both engines,
// numbered from 1 and forward-only: a migration that has shipped is never
// edited (TestShippedMigrationsAreUnchanged holds each one's checksum); a
// change is a new migration. Each is written once, in SQL both engines run,
// naming types as PostgreSQL does. SQLite gets the same text with the type
// names it spells differently rewritten by forSQLite; that list is the one
// place the engines' schemas differ. If a migration ever needs something
// else that only one engine understands, express the difference once here
// rather than writing the migration twice. migrations/README.md says the same
// for whoever opens the folder.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

// forSQLite rewrites PostgreSQL's type names, written in capitals, as SQLite
// spells them.
var forSQLite = strings.NewReplacer(
	"TIMESTAMPTZ", "TIMESTAMP",
	"BYTEA", "BLOB",
)

// render returns SQL written for both engines as dialect d runs it.
func render(d Dialect, sql string) string {
	if d == SQLite {
		return forSQLite.Replace(sql)
	}
	return sql
}

// Migration is one numbered schema change.
type Migration struct {
	Version int
	Name    string
	sql     string
}

// loadMigrations reads the migrations, in order, as dialect d runs them.
func loadMigrations(d Dialect) ([]Migration, error) {
	const dir = "migrations"
	entries, err := fs.ReadDir(migrationFiles, dir)
	if err != nil {
		return nil, err
	}
	var list []Migration
	for _, e := range entries {
		name := e.Name()
		num, rest, ok := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || !strings.HasSuffix(rest, ".sql") {
			return nil, fmt.Errorf("migration file %s is not named NNNN_name.sql", name)
		}
		body, err := fs.ReadFile(migrationFiles, path.Join(dir, name))
		if err != nil {
			return nil, err
		}
		list = append(list, Migration{Version: v, Name: strings.TrimSuffix(rest, ".sql"), sql: render(d, string(body))})
	}
	sort.Slice(list, func(i, j int) bool { return list[i].Version < list[j].Version })
	for i, m := range list {
		if m.Version != i+1 {
			return nil, fmt.Errorf("migrations must be numbered 1, 2, 3…; found %d where %d was expected", m.Version, i+1)
		}
	}
	return list, nil
}

func (s *Store) ensureMigrationTable(ctx context.Context) error {
	create := render(s.dialect, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY,
		name TEXT NOT NULL,
		applied_at TIMESTAMPTZ NOT NULL)`)
	if s.dialect != Postgres {
		_, err := s.writer.ExecContext(ctx, create)
		return err
	}
	// CREATE TABLE IF NOT EXISTS is not safe against a concurrent create:
	// instances starting together on an empty database would fail on
	// PostgreSQL's catalogue. The lock Migrate takes makes them take turns.
	tx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(7408315)`); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, create); err != nil {
		return err
	}
	return tx.Commit()
}

func (s *Store) appliedVersions(ctx context.Context, t *tx) (map[int]bool, error) {
	rows, err := t.query(ctx, `SELECT version FROM schema_migrations`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	applied := map[int]bool{}
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		applied[v] = true
	}
	return applied, rows.Err()
}

// PendingMigrations lists the migrations not yet applied. It reports an
// error if the database is newer than this binary, which would mean an
// older joinedup is running against an upgraded database.
func (s *Store) PendingMigrations(ctx context.Context) ([]Migration, error) {
	all, err := loadMigrations(s.dialect)
	if err != nil {
		return nil, err
	}
	var pending []Migration
	err = s.read(ctx, func(t *tx) error {
		var exists bool
		var probe string
		if s.dialect == Postgres {
			probe = `SELECT EXISTS (SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'schema_migrations')`
		} else {
			probe = `SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations')`
		}
		if err := t.queryRow(ctx, probe).Scan(&exists); err != nil {
			return err
		}
		if !exists {
			pending = all
			return nil
		}
		applied, err := s.appliedVersions(ctx, t)
		if err != nil {
			return err
		}
		for v := range applied {
			if v > len(all) {
				return fmt.Errorf("the database has migration %d, which this version of joinedup does not know: upgrade joinedup", v)
			}
		}
		for _, m := range all {
			if !applied[m.Version] {
				pending = append(pending, m)
			}
		}
		return nil
	})
	return pending, err
}

// Migrate applies every pending migration, each in its own transaction, and
// returns the ones it applied. On PostgreSQL an advisory lock makes
// instances that start together take turns.
func (s *Store) Migrate(ctx context.Context) ([]Migration, error) {
	all, err := loadMigrations(s.dialect)
	if err != nil {
		return nil, err
	}
	return s.applyMigrations(ctx, all)
}

// applyMigrations applies the given migrations, a prefix of all of them, where
// they are not applied yet. Tests use it to build the schema of a release.
func (s *Store) applyMigrations(ctx context.Context, all []Migration) ([]Migration, error) {
	if err := s.ensureMigrationTable(ctx); err != nil {
		return nil, fmt.Errorf("cannot create the migrations table: %w", err)
	}
	var done []Migration
	for _, m := range all {
		applied := false
		err := s.write(ctx, func(t *tx) error {
			if s.dialect == Postgres {
				if _, err := t.exec(ctx, `SELECT pg_advisory_xact_lock(7408315)`); err != nil {
					return err
				}
			}
			have, err := s.appliedVersions(ctx, t)
			if err != nil || have[m.Version] {
				return err
			}
			if _, err := t.tx.ExecContext(ctx, m.sql); err != nil {
				return fmt.Errorf("migration %04d_%s failed: %w", m.Version, m.Name, err)
			}
			applied = true
			_, err = t.exec(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`, m.Version, m.Name, t.now)
			return err
		})
		if err != nil {
			return done, fmt.Errorf("migration %04d_%s failed: %v", m.Version, m.Name, errorDetail(err))
		}
		if applied {
			done = append(done, m)
		}
	}
	return done, nil
}
