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
	Approve, ReturnIv, Comment, Send, KeepNote             key.Binding
	Publish, Retire                                        key.Binding
	VoidOffer, VoidDraft, Search                           key.Binding
	Assign                                                 key.Binding
	MakeLinks, RevokeLink, WriteCSV                        key.Binding
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
		KeepNote:       b([]string{"enter"}, "enter", "keep"),
		Publish:        b([]string{"p"}, "p", "publish a form"),
		Retire:         b([]string{"r"}, "r", "retire form"),
		VoidOffer:      b([]string{"v"}, "v", "void this draft"),
		VoidDraft:      b([]string{"ctrl+d"}, "ctrl+d", "void draft"),
		Search:         b([]string{"a-z 0-9"}, "a-z 0-9", "search"),
		WalkIn:         b([]string{"ctrl+n"}, "ctrl+n", "walk-in"),
		Assign:         b([]string{"a"}, "a", "assign"),
		MakeLinks:      b([]string{"n"}, "n", "make links"),
		RevokeLink:     b([]string{"x"}, "x", "revoke"),
		WriteCSV:       b([]string{"w"}, "w", "write CSV"),
		Filter:         b([]string{"left", "right"}, "←/→", "filter"),
		PrevInstance:   b([]string{"ctrl+up"}, "ctrl+↑", "previous instance"),
		NextInstance:   b([]string{"ctrl+down"}, "ctrl+↓", "next instance"),
		Reorder:        b([]string{"shift+up", "shift+down"}, "shift+↑↓/1-9", "move in order"),
	}
}

// localize sets the help texts of km in the UI language of t.
func (km *KeyMap) localize(t *texts) {
	set := func(b *key.Binding, help string) { b.SetHelp(b.Help().Key, help) }
	set(&km.Next, t.KeyNext)
	set(&km.Back, t.KeyBack)
	set(&km.Jump, t.KeyJump)
	set(&km.FormLang, t.KeyFormLang)
	set(&km.SaveLeave, t.KeySaveLeave)
	set(&km.Esc, t.KeyEsc)
	set(&km.Help, t.KeyHelp)
	set(&km.Quit, t.KeyQuit)
	set(&km.Up, t.KeyUp)
	set(&km.Down, t.KeyDown)
	set(&km.PageUp, t.KeyPageUp)
	set(&km.PageDown, t.KeyPageDown)
	set(&km.Toggle, t.KeyToggle)
	set(&km.Pick, t.KeyPick)
	set(&km.AddInstance, t.KeyAdd)
	set(&km.RemoveInstance, t.KeyRemove)
	set(&km.Review, t.KeyReview)
	set(&km.Finalize, t.KeyFinalize)
	set(&km.Yes, t.KeyYes)
	set(&km.No, t.KeyNo)
	set(&km.NewInterview, t.KeyNew)
	set(&km.Interviews, t.KeyInterviews)
	set(&km.Settings, t.KeySettings)
	set(&km.Sync, t.KeySync)
	set(&km.Returned, t.KeyReturned)
	set(&km.SyncNow, t.KeySyncNow)
	set(&km.Queue, t.KeyQueue)
	set(&km.Coverage, t.KeyCoverage)
	set(&km.Open, t.KeyOpen)
	set(&km.FilterField, t.KeyFilterField)
	set(&km.Refresh, t.KeyRefresh)
	set(&km.Approve, t.KeyApprove)
	set(&km.ReturnIv, t.KeyReturnInterview)
	set(&km.Comment, t.KeyComment)
	set(&km.Send, t.KeySend)
	set(&km.KeepNote, t.KeyKeepNote)
	set(&km.Publish, t.KeyPublish)
	set(&km.Retire, t.KeyRetire)
	set(&km.VoidOffer, t.KeyVoidOffer)
	set(&km.VoidDraft, t.KeyVoidDraft)
	set(&km.Search, t.KeySearch)
	set(&km.WalkIn, t.KeyWalkIn)
	set(&km.Assign, t.Tracing.KeyAssign)
	set(&km.MakeLinks, t.Links.KeyMake)
	set(&km.RevokeLink, t.Links.KeyRevoke)
	set(&km.WriteCSV, t.Links.KeyWrite)
	set(&km.Filter, t.KeyFilter)
	set(&km.PrevInstance, t.KeyPrevInstance)
	set(&km.NextInstance, t.KeyNextInstance)
	set(&km.Reorder, t.KeyReorder)
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
func newFieldKeys(t *texts) fieldKeys {
	fk := fieldKeys{
		Edit: defaultEditKeyMap(), Mask: defaultMaskKeyMap(), Choice: defaultChoiceKeyMap(),
		List: defaultListKeyMap(), Rank: defaultRankKeyMap(), Ack: defaultAckKeyMap(), Prompt: defaultPromptKeyMap(),
	}
	set := func(b *key.Binding, help string) { b.SetHelp(b.Help().Key, help) }
	e := &fk.Edit
	set(&e.Left, t.KeyLeft)
	set(&e.Right, t.KeyRight)
	set(&e.Home, t.KeyHome)
	set(&e.End, t.KeyEnd)
	set(&e.Backspace, t.KeyBackspace)
	set(&e.Delete, t.KeyBackspace)
	set(&e.ClearBefore, t.KeyClear)
	set(&e.ClearAfter, t.KeyClearEnd)
	set(&e.DeleteWord, t.KeyDeleteWord)
	set(&fk.Mask.Backspace, t.KeyBackspace)
	set(&fk.Mask.Clear, t.KeyClear)
	c := &fk.Choice
	set(&c.Up, t.KeyUp)
	set(&c.Down, t.KeyDown)
	set(&c.Pick, t.KeyPick)
	set(&c.Select, t.KeySelect)
	l := &fk.List
	set(&l.Search, t.KeySearch)
	set(&l.Up, t.KeyUp)
	set(&l.Down, t.KeyDown)
	set(&l.PageUp, t.KeyPageUp)
	set(&l.PageDown, t.KeyPageDown)
	set(&l.Select, t.KeySelect)
	set(&l.Backspace, t.KeyBackspace)
	set(&l.ClearSearch, t.KeyClearSearch)
	r := &fk.Rank
	set(&r.Up, t.KeyUp)
	set(&r.Down, t.KeyDown)
	set(&r.MoveUp, t.KeyMoveUp)
	set(&r.MoveDown, t.KeyMoveDown)
	set(&r.Place, t.KeyPlace)
	set(&r.Keep, t.KeyKeep)
	set(&r.Reset, t.KeyReset)
	set(&r.Reorder, t.KeyReorder)
	set(&fk.Ack.Toggle, t.KeyAck)
	set(&fk.Prompt.Yes, t.KeyAddYes)
	set(&fk.Prompt.No, t.KeyAddNo)
	return fk
}
