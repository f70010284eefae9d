/**
 * The token never reaches the terminal, even when a function (or a server that does not
 * strip it from the event) prints or returns what it was sent.
 *
 * A secret is hidden where it stands whole: a short token such as `t` (spotinst-local on
 * loopback accepts one) must not turn every "t" of every message into `<token>`. A long
 * one cannot occur by accident, so it is hidden wherever it appears, even glued to other
 * text.
 */
const WHOLE_ONLY_BELOW = 12;
const TOKEN_CHARACTER = /[A-Za-z0-9_-]/;

export const REDACTED = '<token>';

export function redactor(secret: string | undefined): (text: string) => string {
  if (!secret) return (text) => text;
  if (secret.length >= WHOLE_ONLY_BELOW) return (text) => text.split(secret).join(REDACTED);
  return (text) => {
    let out = '';
    let from = 0;
    for (let at = text.indexOf(secret); at !== -1; at = text.indexOf(secret, at + 1)) {
      const before = at === 0 ? '' : text[at - 1];
      const after = text[at + secret.length] ?? '';
      const whole = !TOKEN_CHARACTER.test(before) && !TOKEN_CHARACTER.test(after);
      if (!whole || at < from) continue;
      out += text.slice(from, at) + REDACTED;
      from = at + secret.length;
    }
    return out + text.slice(from);
  };
}
