package tui

import "charm.land/bubbles/v2/key"

// KeyMap holds every key binding of the program. Help texts are filled in the UI language by
// localize.
type KeyMap struct {
	Next, Back, Jump, FormLang, SaveLeave, Esc, Help, Quit key.Binding
	Up, Down, PageUp, PageDown, Toggle, Pick               key.Binding
	AddInstance, RemoveInstance, Review, Finalize, Yes, No key.Binding
	NewInterview, Interviews, Settings, WalkIn, Filter     key.Binding
	PrevInstance, NextInstance, Reorder                    key.Binding
	Sync, Returned, SyncNow                                key.Binding
	Queue, Coverage, Open, FilterField, Refresh            key.Binding
	Approve, ReturnIv, Comment, Send                       key.Binding
	VoidOffer, VoidDraft, Search                           key.Binding
}

// DefaultKeyMap returns the key bindings with English help; localize translates them.
func DefaultKeyMap() KeyMap {
	b := func(keys []string, k, h string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(k, h))
	}
	return KeyMap{
		Next:           b([]string{"enter", "tab"}, "enter/tab", "next"),
		Back:           b([]string{"shift+tab"}, "shift+tab", "back"),
		Jump:           b([]string{"ctrl+j"}, "ctrl+j", "jump"),
		FormLang:       b([]string{"ctrl+l"}, "ctrl+l", "form language"),
		SaveLeave:      b([]string{"ctrl+s"}, "ctrl+s", "save and leave"),
		Esc:            b([]string{"esc"}, "esc", "back"),
		Help:           b([]string{"?", "f1"}, "?/f1", "help"),
		Quit:           b([]string{"ctrl+c"}, "ctrl+c", "quit"),
		Up:             b([]string{"up"}, "↑", "up"),
		Down:           b([]string{"down"}, "↓", "down"),
		PageUp:         b([]string{"pgup"}, "pgup", "page up"),
		PageDown:       b([]string{"pgdown"}, "pgdn", "page down"),
		Toggle:         b([]string{"space"}, "space", "toggle"),
		Pick:           b([]string{"1", "2", "3", "4", "5", "6", "7", "8", "9"}, "1-9", "pick"),
		AddInstance:    b([]string{"ctrl+n"}, "ctrl+n", "add instance"),
		RemoveInstance: b([]string{"ctrl+d"}, "ctrl+d", "remove instance"),
		Review:         b([]string{"ctrl+r"}, "ctrl+r", "review"),
		Finalize:       b([]string{"f", "ctrl+f"}, "f", "finalize"),
		Yes:            b([]string{"y", "Y"}, "y", "yes"),
		No:             b([]string{"n", "N", "esc"}, "n", "no"),
		NewInterview:   b([]string{"1", "n"}, "1", "new interview"),
		Interviews:     b([]string{"2", "i"}, "2", "interviews"),
		Settings:       b([]string{"3", "s"}, "3", "settings"),
		Sync:           b([]string{"4"}, "4", "sync"),
		Returned:       b([]string{"5"}, "5", "returned"),
		SyncNow:        b([]string{"enter", "r"}, "enter", "sync now"),
		Queue:          b([]string{"6"}, "6", "review queue"),
		Coverage:       b([]string{"7", "c"}, "c", "coverage"),
		Open:           b([]string{"enter"}, "enter", "open"),
		FilterField:    b([]string{"tab", "shift+tab"}, "tab", "next filter"),
		Refresh:        b([]string{"ctrl+r"}, "ctrl+r", "refresh"),
		Approve:        b([]string{"a"}, "a", "approve"),
		ReturnIv:       b([]string{"x"}, "x", "return"),
		Comment:        b([]string{"c"}, "c", "comment on question"),
		Send:           b([]string{"enter"}, "enter", "send"),
		VoidOffer:      b([]string{"v"}, "v", "void this draft"),
		VoidDraft:      b([]string{"ctrl+d"}, "ctrl+d", "void draft"),
		Search:         b([]string{"a-z 0-9"}, "a-z 0-9", "search"),
		WalkIn:         b([]string{"ctrl+n"}, "ctrl+n", "walk-in"),
		Filter:         b([]string{"left", "right"}, "←/→", "filter"),
		PrevInstance:   b([]string{"ctrl+up"}, "ctrl+↑", "previous instance"),
		NextInstance:   b([]string{"ctrl+down"}, "ctrl+↓", "next instance"),
		Reorder:        b([]string{"shift+up", "shift+down"}, "shift+↑↓/1-9", "move in order"),
	}
}

// localize sets the help texts of km in the UI language of t.
func (km *KeyMap) localize(t texts) {
	set := func(b *key.Binding, id string) { b.SetHelp(b.Help().Key, t[id]) }
	set(&km.Next, "k.next")
	set(&km.Back, "k.back")
	set(&km.Jump, "k.jump")
	set(&km.FormLang, "k.formlang")
	set(&km.SaveLeave, "k.saveleave")
	set(&km.Esc, "k.esc")
	set(&km.Help, "k.help")
	set(&km.Quit, "k.quit")
	set(&km.Up, "k.up")
	set(&km.Down, "k.down")
	set(&km.PageUp, "k.pgup")
	set(&km.PageDown, "k.pgdown")
	set(&km.Toggle, "k.toggle")
	set(&km.Pick, "k.pick")
	set(&km.AddInstance, "k.add")
	set(&km.RemoveInstance, "k.remove")
	set(&km.Review, "k.review")
	set(&km.Finalize, "k.finalize")
	set(&km.Yes, "k.yes")
	set(&km.No, "k.no")
	set(&km.NewInterview, "k.new")
	set(&km.Interviews, "k.interviews")
	set(&km.Settings, "k.settings")
	set(&km.Sync, "k.sync")
	set(&km.Returned, "k.returned")
	set(&km.SyncNow, "k.syncnow")
	set(&km.Queue, "k.queue")
	set(&km.Coverage, "k.coverage")
	set(&km.Open, "k.open")
	set(&km.FilterField, "k.filterfield")
	set(&km.Refresh, "k.refresh")
	set(&km.Approve, "k.approve")
	set(&km.ReturnIv, "k.returniv")
	set(&km.Comment, "k.comment")
	set(&km.Send, "k.send")
	set(&km.VoidOffer, "k.voidoffer")
	set(&km.VoidDraft, "k.voiddraft")
	set(&km.Search, "k.search")
	set(&km.WalkIn, "k.walkin")
	set(&km.Filter, "k.filter")
	set(&km.PrevInstance, "k.previnst")
	set(&km.NextInstance, "k.nextinst")
	set(&km.Reorder, "k.reorder")
}

// fieldKeys holds the key maps of the question inputs, one per kind.
type fieldKeys struct {
	Edit   EditKeyMap
	Mask   MaskKeyMap
	Choice ChoiceKeyMap
	List   ListKeyMap
	Rank   RankKeyMap
	Ack    AckKeyMap
	Prompt PromptKeyMap
}

// newFieldKeys returns the inputs' key maps with help in the UI language of t.
func newFieldKeys(t texts) fieldKeys {
	fk := fieldKeys{
		Edit: defaultEditKeyMap(), Mask: defaultMaskKeyMap(), Choice: defaultChoiceKeyMap(),
		List: defaultListKeyMap(), Rank: defaultRankKeyMap(), Ack: defaultAckKeyMap(), Prompt: defaultPromptKeyMap(),
	}
	set := func(b *key.Binding, id string) { b.SetHelp(b.Help().Key, t[id]) }
	e := &fk.Edit
	set(&e.Left, "k.left")
	set(&e.Right, "k.right")
	set(&e.Home, "k.home")
	set(&e.End, "k.end")
	set(&e.Backspace, "k.backspace")
	set(&e.Delete, "k.backspace")
	set(&e.ClearBefore, "k.clear")
	set(&e.ClearAfter, "k.clearend")
	set(&e.DeleteWord, "k.delword")
	set(&fk.Mask.Backspace, "k.backspace")
	set(&fk.Mask.Clear, "k.clear")
	c := &fk.Choice
	set(&c.Up, "k.up")
	set(&c.Down, "k.down")
	set(&c.Pick, "k.pick")
	set(&c.Select, "k.select")
	l := &fk.List
	set(&l.Search, "k.search")
	set(&l.Up, "k.up")
	set(&l.Down, "k.down")
	set(&l.PageUp, "k.pgup")
	set(&l.PageDown, "k.pgdown")
	set(&l.Select, "k.select")
	set(&l.Backspace, "k.backspace")
	set(&l.ClearSearch, "k.clearsearch")
	r := &fk.Rank
	set(&r.Up, "k.up")
	set(&r.Down, "k.down")
	set(&r.MoveUp, "k.moveup")
	set(&r.MoveDown, "k.movedown")
	set(&r.Place, "k.place")
	set(&r.Keep, "k.keep")
	set(&r.Reset, "k.reset")
	set(&r.Reorder, "k.reorder")
	set(&fk.Ack.Toggle, "k.ack")
	set(&fk.Prompt.Yes, "k.addyes")
	set(&fk.Prompt.No, "k.addno")
	return fk
}
