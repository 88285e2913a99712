import nodemailer from "nodemailer";
import type { ResolvedChannel } from "./config";
import type { NotificationEvent } from "./events";
import { cloudEvent, emailMessage, slackMessage, teamsMessage } from "./format";
import { signWebhook } from "./sign";

/** What one attempt came to. `retry`: worth trying again (5xx, 408, 429, timeout, network); a 4xx is not. */
export type Outcome = { ok: true; status: number | null } | { ok: false; status: number | null; error: string; retry: boolean };

export type SendOptions = { timeoutMs: number; nowSeconds: number };

export const USER_AGENT = "war-room-notifications/1";

/** One attempt to deliver `event` to `channel`; never throws, never quotes a secret. */
export async function deliver(channel: ResolvedChannel, event: NotificationEvent, opts: SendOptions): Promise<Outcome> {
  try {
    if (channel.kind === "email") return await sendEmail(channel, event, opts);
    // A subscriber's event is for e-mail only; it never goes to a chat or webhook.
    if (event.to) return { ok: false, status: null, error: "a subscriber e-mail cannot go to a non-e-mail channel", retry: false };
    const body = JSON.stringify(channel.kind === "slack" ? slackMessage(event) : channel.kind === "teams" ? teamsMessage(event) : cloudEvent(event));
    const headers: Record<string, string> = { "content-type": "application/json", "user-agent": USER_AGENT, "idempotency-key": event.id };
    if (channel.kind === "webhook") {
      headers["content-type"] = "application/cloudevents+json";
      headers["webhook-id"] = event.id;
      headers["webhook-timestamp"] = String(opts.nowSeconds);
      headers["webhook-signature"] = signWebhook(channel.key, event.id, opts.nowSeconds, body);
    }
    const res = await fetch(channel.url, { method: "POST", headers, body, redirect: "error", signal: AbortSignal.timeout(opts.timeoutMs) });
    // The body is read (bounded by the same timeout) so the connection is released; its text is never stored (it may echo the URL).
    await res.arrayBuffer().catch(() => undefined);
    if (res.ok) return { ok: true, status: res.status };
    const retry = res.status >= 500 || res.status === 408 || res.status === 429;
    return { ok: false, status: res.status, error: `HTTP ${res.status}`, retry };
  } catch (err) {
    return { ok: false, status: null, error: redact(describe(err, opts.timeoutMs), channel.secrets), retry: true };
  }
}

async function sendEmail(channel: Extract<ResolvedChannel, { kind: "email" }>, event: NotificationEvent, opts: SendOptions): Promise<Outcome> {
  const { smtp } = channel;
  const transport = nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    ...(smtp.user ? { auth: { user: smtp.user, pass: smtp.password ?? "" } } : {}),
    connectionTimeout: opts.timeoutMs,
    greetingTimeout: opts.timeoutMs,
    socketTimeout: opts.timeoutMs,
  });
  try {
    const m = emailMessage(event);
    // The socket timeouts above are per step and per idle gap; the claim on the delivery
    // (lib/notifications/outbox.ts) outlives one whole attempt only if the attempt has a deadline.
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(Object.assign(new Error(`no answer within ${opts.timeoutMs} ms`), { code: "ETIMEDOUT" })), opts.timeoutMs);
    });
    try {
      await Promise.race([transport.sendMail({ from: channel.from, to: event.to ?? channel.to, subject: m.subject, text: m.text, html: m.html, headers: { "Idempotency-Key": event.id }, messageId: `<${event.id}@war-room>` }), deadline]);
    } finally {
      clearTimeout(timer);
    }
    return { ok: true, status: null };
  } catch (err) {
    const code = (err as { responseCode?: number }).responseCode;
    // SMTP 5xx is permanent (the address or message is refused); 4xx and connection problems are worth a retry.
    const permanent = typeof code === "number" && code >= 500 && code < 600;
    return { ok: false, status: code ?? null, error: redact(describe(err, opts.timeoutMs), channel.secrets), retry: !permanent };
  } finally {
    transport.close();
  }
}

function describe(err: unknown, timeoutMs: number): string {
  const e = err as { name?: string; message?: string; code?: string; cause?: { code?: string; message?: string } };
  if (e?.name === "TimeoutError" || e?.code === "ETIMEDOUT") return `timed out after ${timeoutMs} ms`;
  const cause = e?.cause?.code ?? e?.code;
  return (cause ? `${cause}: ` : "") + (e?.cause?.message ?? e?.message ?? String(err)).slice(0, 300);
}

/** Replaces every secret (and the URL it may be part of) with "[redacted]". */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s.length >= 4) out = out.split(s).join("[redacted]");
  return out.replace(/https?:\/\/\S+/g, "[url]");
}
