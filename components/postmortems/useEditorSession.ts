"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { applyIncidentResponse } from "@/components/incidents/api";
import { useIncidentUi } from "@/components/incidents/IncidentUi";
import { currentOf, patchPostmortem, postmortemKey, unwrittenSectionsOf, type PostmortemChange } from "./api";
import type { Postmortem, PostmortemStatus } from "./types";

/** Autosave this long after typing stops. */
export const AUTOSAVE_MS = 1500;
/** After a failed save (not a conflict), try again this much later, or at once on Ctrl+S / blur. */
const RETRY_MS = 10_000;

export type Conflict = { theirs: Postmortem };

export type SaveState =
  | { kind: "saved"; version: number; at: number; by: string }
  | { kind: "unsaved" }
  | { kind: "saving" }
  | { kind: "error"; message: string }
  | { kind: "conflict" };

/**
 * One person editing one postmortem: the text they type (kept in local state at once, so the
 * textarea never lags behind a request), the stored version it is based on, autosave, and the
 * conflict when somebody else saved in between. Nothing is ever saved over another version
 * without the person choosing so.
 *
 * `server` is the newest copy known to the query cache (live events re-read it): taken over
 * when there are no local edits, otherwise only shown (`ahead`).
 */
export function useEditorSession(incidentId: string, server: Postmortem) {
  const qc = useQueryClient();
  const { write } = useIncidentUi();
  const [text, setTextState] = useState(server.body);
  const [base, setBaseState] = useState(server);
  const [conflict, setConflictState] = useState<Conflict | null>(null);
  /** A publish the server refused because these sections still hold the template's prompts (the person decides). */
  const [unwritten, setUnwritten] = useState<string[] | null>(null);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // Refs mirror the state for callbacks that run after an await (no stale closures).
  const textRef = useRef(text);
  const baseRef = useRef(base);
  const conflictRef = useRef(conflict);
  const savingRef = useRef(false);

  const setText = useCallback((t: string) => {
    textRef.current = t;
    setTextState(t);
  }, []);
  const setBase = useCallback((p: Postmortem) => {
    baseRef.current = p;
    setBaseState(p);
  }, []);
  const setConflict = useCallback((c: Conflict | null) => {
    conflictRef.current = c;
    setConflictState(c);
  }, []);

  const send = useCallback(
    async (version: number, changes: Omit<PostmortemChange, "version">): Promise<boolean> => {
      savingRef.current = true;
      setSaving(true);
      setError(null);
      try {
        const r = await patchPostmortem(write, incidentId, { version, ...changes });
        setBase(r.postmortem);
        setConflict(null);
        qc.setQueryData(postmortemKey(incidentId), r.postmortem);
        if (r.incident) applyIncidentResponse(qc, r.incident);
        return true;
      } catch (err) {
        const current = currentOf(err);
        const sections = unwrittenSectionsOf(err);
        if (sections) setUnwritten(sections);
        else if (current && current.version !== version) {
          setConflict({ theirs: current });
          const cached = qc.getQueryData<Postmortem | null>(postmortemKey(incidentId));
          if (!cached || cached.version < current.version) qc.setQueryData(postmortemKey(incidentId), current);
        } else setError(err instanceof Error ? err.message : "The postmortem was not saved");
        return false;
      } finally {
        savingRef.current = false;
        setSaving(false);
      }
    },
    [incidentId, qc, setBase, setConflict, write],
  );

  /** Saves the text now if it differs from the stored version (autosave, blur, Ctrl+S). */
  const saveNow = useCallback(() => {
    const b = baseRef.current;
    if (savingRef.current || conflictRef.current || b.status === "published") return;
    const body = textRef.current;
    if (body === b.body) return;
    void send(b.version, { body });
  }, [send]);

  const dirty = text !== base.body;

  // Debounced autosave: every keystroke restarts the timer; after a save it re-arms if the text
  // moved on meanwhile. A conflict stops it until the person has chosen.
  useEffect(() => {
    if (!dirty || saving || conflict || base.status === "published") return;
    const t = window.setTimeout(saveNow, error ? RETRY_MS : AUTOSAVE_MS);
    return () => window.clearTimeout(t);
  }, [text, dirty, saving, conflict, error, base.status, saveNow]);

  // A newer stored version with no local edits: take it (nothing of ours is lost).
  useEffect(() => {
    if (server.version <= base.version || saving || conflict || dirty) return;
    setText(server.body);
    setBase(server);
  }, [server, base.version, saving, conflict, dirty, setText, setBase]);

  // Leaving with unsaved text asks first.
  useEffect(() => {
    if (!dirty && !saving) return;
    const onUnload = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener("beforeunload", onUnload);
    return () => window.removeEventListener("beforeunload", onUnload);
  }, [dirty, saving]);

  /** Review state change; unsaved text goes with it, so nothing typed is left behind. */
  const changeStatus = useCallback(
    (status: PostmortemStatus, opts: { confirm?: boolean } = {}): Promise<boolean> => {
      const b = baseRef.current;
      if (savingRef.current || conflictRef.current) return Promise.resolve(false);
      setUnwritten(null);
      const body = textRef.current;
      const confirm = opts.confirm ? { confirm: true } : {};
      return send(b.version, body !== b.body ? { body, status, ...confirm } : { status, ...confirm });
    },
    [send],
  );

  /** Conflict: save my text as the next version on top of theirs (the person chose to). */
  const keepMine = useCallback(() => {
    const c = conflictRef.current;
    if (!c || savingRef.current) return;
    void send(c.theirs.version, { body: textRef.current });
  }, [send]);

  /** Conflict: drop my text and continue from theirs (or from anything newer already known). */
  const takeTheirs = useCallback(() => {
    const c = conflictRef.current;
    if (!c) return;
    const cached = qc.getQueryData<Postmortem | null>(postmortemKey(incidentId));
    const theirs = cached && cached.version > c.theirs.version ? cached : c.theirs;
    setText(theirs.body);
    setBase(theirs);
    setConflict(null);
    setError(null);
  }, [incidentId, qc, setBase, setConflict, setText]);

  const state: SaveState = conflict
    ? { kind: "conflict" }
    : saving
      ? { kind: "saving" }
      : error
        ? { kind: "error", message: error }
        : dirty
          ? { kind: "unsaved" }
          : { kind: "saved", version: base.version, at: base.updatedAt, by: base.updatedBy };

  return {
    text,
    setText,
    base,
    dirty,
    saving,
    state,
    conflict,
    /** Someone saved a version newer than the one the local edits are based on. */
    ahead: !conflict && server.version > base.version ? server : null,
    saveNow,
    changeStatus,
    unwritten,
    dismissUnwritten: () => setUnwritten(null),
    keepMine,
    takeTheirs,
  };
}
