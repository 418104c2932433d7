package forms

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// This file reads a filled XForm instance: the XML document that ODK Collect, Enketo and
// ODK Web Forms submit. Its root element carries the form's id and version as attributes;
// below it, groups are elements holding their children, every instance of a repeat is one
// element of the repeat's name, and a question is a leaf element holding its value (a
// select_multiple's choices separated by spaces). The OpenRosa metadata sit in <meta>:
// instanceID (the submission's identity, "uuid:..."), deprecatedID and instanceName.

// MaxInstanceElements bounds the elements of one submitted instance.
const MaxInstanceElements = 20000

// Instance is a submitted XForm instance, parsed but not yet matched to a form.
type Instance struct {
	// FormID and Version are the root element's id and version attributes.
	FormID  string
	Version string
	// InstanceID is meta/instanceID, DeprecatedID meta/deprecatedID (an edited
	// submission's predecessor), InstanceName meta/instanceName.
	InstanceID   string
	DeprecatedID string
	InstanceName string

	root *instanceElem
}

type instanceElem struct {
	name     string
	text     strings.Builder
	children []*instanceElem
	line     int
}

// ReadInstance parses an XForm instance document from r. It returns an error that says what
// is wrong, with the line, for malformed XML, an instance without an id, or one with more
// than MaxInstanceElements elements or nested deeper than 64 levels. The caller bounds the
// bytes r gives.
func ReadInstance(r io.Reader) (*Instance, error) {
	dec := xml.NewDecoder(r)
	dec.Strict = true
	var stack []*instanceElem
	var root *instanceElem
	in := &Instance{}
	count := 0
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("malformed XML: %w", err)
		}
		line, _ := dec.InputPos()
		switch t := tok.(type) {
		case xml.StartElement:
			count++
			if count > MaxInstanceElements {
				return nil, fmt.Errorf("line %d: the instance has over %d elements", line, MaxInstanceElements)
			}
			if len(stack) >= 64 {
				return nil, fmt.Errorf("line %d: the instance is nested over 64 levels deep", line)
			}
			e := &instanceElem{name: t.Name.Local, line: line}
			if len(stack) == 0 {
				if root != nil {
					return nil, fmt.Errorf("line %d: a second root element <%s>", line, t.Name.Local)
				}
				root = e
				for _, a := range t.Attr {
					switch a.Name.Local {
					case "id":
						in.FormID = a.Value
					case "version":
						in.Version = a.Value
					}
				}
			} else {
				p := stack[len(stack)-1]
				p.children = append(p.children, e)
			}
			stack = append(stack, e)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].text.Write(t)
			} else if strings.TrimSpace(string(t)) != "" {
				return nil, fmt.Errorf("line %d: text outside the root element", line)
			}
		}
	}
	if root == nil {
		return nil, errors.New("no root element: this is not an XForm instance")
	}
	if in.FormID == "" {
		return nil, fmt.Errorf("the root element <%s> has no id attribute naming its form", root.name)
	}
	in.root = root
	for _, c := range root.children {
		if c.name != "meta" {
			continue
		}
		for _, m := range c.children {
			v := strings.TrimSpace(m.text.String())
			switch m.name {
			case "instanceID":
				in.InstanceID = v
			case "deprecatedID":
				in.DeprecatedID = v
			case "instanceName":
				in.InstanceName = v
			}
		}
	}
	return in, nil
}

// Answers returns the instance's values as answers of form f, keyed by their paths as a
// session stores them (groups by name, repeat instances numbered from 1: "household[2]/age"),
// every repeat instance as its own path, empty values left out. The OpenRosa <meta> block
// is not an answer unless f has a node called meta. An element f does not have is an error
// that names its path and line: an instance of another form, or of another version.
func (in *Instance) Answers(f *Form) ([]Answer, error) {
	var out []Answer
	var walk func(e *instanceElem, n *Node, path string) error
	walk = func(e *instanceElem, n *Node, path string) error {
		seen := map[string]int{}
		for _, c := range e.children {
			var node *Node
			for _, k := range n.Children {
				if k.Name == c.name {
					node = k
					break
				}
			}
			if node == nil {
				if n == f.Root && c.name == "meta" {
					continue
				}
				return fmt.Errorf("line %d: form %s version %s has no question %s", c.line, f.ID, f.Version, joinPath(path, c.name))
			}
			p := joinPath(path, c.name)
			switch node.Kind {
			case KindRepeat:
				seen[c.name]++
				if seen[c.name] > maxInstances {
					return fmt.Errorf("line %d: repeat %s has over %d instances", c.line, p, maxInstances)
				}
				p = fmt.Sprintf("%s[%d]", p, seen[c.name])
				out = append(out, Answer{Path: p})
				if err := walk(c, node, p); err != nil {
					return err
				}
			case KindGroup:
				if err := walk(c, node, p); err != nil {
					return err
				}
			default:
				if len(c.children) > 0 {
					return fmt.Errorf("line %d: %s is a question, not a group", c.line, p)
				}
				if v := c.text.String(); strings.TrimSpace(v) != "" {
					if node.Type != "text" {
						v = strings.TrimSpace(v)
					}
					out = append(out, Answer{Path: p, Value: v})
				}
			}
		}
		return nil
	}
	if err := walk(in.root, f.Root, ""); err != nil {
		return nil, err
	}
	return out, nil
}
