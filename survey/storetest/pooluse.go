package storetest

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
)

// poolMethods are the calls that take a connection from a database's pool: database/sql's
// own and the stores' cached statements (stmt, query).
var poolMethods = map[string]bool{
	"QueryContext": true, "QueryRowContext": true, "ExecContext": true, "PrepareContext": true,
	"BeginTx": true, "Conn": true, "Begin": true, "Query": true, "QueryRow": true, "Exec": true,
	"stmt": true, "query": true,
}

// NoPoolInTransactions checks the store's sources in dir (its non-test .go files): inside a
// transaction, every statement must go through the transaction. A call that takes a second
// connection from the pool while a transaction holds one waits for ever once as many
// transactions as the pool has connections do the same. It looks at the function literals
// passed to inTx and at every function that takes a transaction (a parameter whose type
// names Tx, txRunner or querier), and reports a pool method called on an expression that
// goes through a field named db.
func NoPoolInTransactions(t *testing.T, dir string) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	bodies := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		af, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		check := func(where string, body *ast.BlockStmt) {
			bodies++
			ast.Inspect(body, func(n ast.Node) bool {
				c, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				sel, ok := c.Fun.(*ast.SelectorExpr)
				if !ok || !poolMethods[sel.Sel.Name] {
					return true
				}
				if throughDB(sel.X) {
					t.Errorf("%s: %s calls %s.%s on the pool inside a transaction", fset.Position(c.Pos()), where, chain(sel.X), sel.Sel.Name)
				}
				return true
			})
		}
		for _, d := range af.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Body == nil {
				continue
			}
			if takesTx(fd.Type) {
				check(fd.Name.Name, fd.Body)
			}
			ast.Inspect(fd.Body, func(n ast.Node) bool {
				c, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				if sel, ok := c.Fun.(*ast.SelectorExpr); !ok || sel.Sel.Name != "inTx" {
					return true
				}
				for _, a := range c.Args {
					if fl, ok := a.(*ast.FuncLit); ok {
						check(fd.Name.Name+"'s transaction", fl.Body)
					}
				}
				return true
			})
		}
	}
	if bodies == 0 {
		t.Fatalf("no transaction found in %s: the check read nothing", dir)
	}
}

// takesTx reports whether a function has a parameter that is a transaction.
func takesTx(ft *ast.FuncType) bool {
	for _, p := range ft.Params.List {
		if s := chain(p.Type); strings.Contains(s, "Tx") || strings.Contains(s, "txRunner") || strings.Contains(s, "querier") {
			return true
		}
	}
	return false
}

// throughDB reports whether e reaches its value through a field named db (s.db, s.db.db).
func throughDB(e ast.Expr) bool {
	for {
		switch x := e.(type) {
		case *ast.SelectorExpr:
			if x.Sel.Name == "db" {
				return true
			}
			e = x.X
		case *ast.CallExpr:
			e = x.Fun
		case *ast.ParenExpr:
			e = x.X
		default:
			return false
		}
	}
}

// chain writes a selector expression as in the source (s.db.db), for messages.
func chain(e ast.Expr) string {
	switch x := e.(type) {
	case *ast.Ident:
		return x.Name
	case *ast.SelectorExpr:
		return chain(x.X) + "." + x.Sel.Name
	case *ast.StarExpr:
		return "*" + chain(x.X)
	case *ast.CallExpr:
		return chain(x.Fun) + "()"
	}
	return "?"
}
