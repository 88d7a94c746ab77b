// A LOCAL STAND-IN for @hubspot/ui-extensions, used only to preview and test the real Settings.jsx and
// DealScorecard.jsx in a browser outside HubSpot (tests/admin/test_browser_ui.py, docs/admin.md). It is not
// HubSpot's code: each component maps to a plain DOM element with the same props, and hubspot.fetch does what
// HubSpot's proxy does for an app (serialise the body as JSON, append userId, userEmail, appId and portalId to the
// query, sign the request v3 with the app's client secret) from the page, with WebCrypto. The page gets its
// settings (backend origin, portal, user, secret, the card's deal id) from window.DEALCOACH_PREVIEW.
import React from 'react';
import { createRoot } from 'react-dom/client';

const cfg = () => window.DEALCOACH_PREVIEW;
const V3_DECODE = { '%3A': ':', '%2F': '/', '%3F': '?', '%40': '@', '%21': '!', '%24': '$', '%27': "'",
  '%28': '(', '%29': ')', '%2A': '*', '%2C': ',', '%3B': ';' };

async function signV3(secret, method, uri, body, timestamp) {
  const decoded = uri.replace(/%[0-9A-Fa-f]{2}/g, (m) => V3_DECODE[m.toUpperCase()] || m);
  const enc = new TextEncoder();
  const key = await crypto.subtle.importKey('raw', enc.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false,
    ['sign']);
  const mac = await crypto.subtle.sign('HMAC', key, enc.encode(`${method}${decoded}${body}${timestamp}`));
  return btoa(String.fromCharCode(...new Uint8Array(mac)));
}

export const hubspot = {
  extend(render) {
    const c = cfg();
    const actions = {
      addAlert: ({ type, message }) => {
        const box = document.getElementById('alerts');
        const el = document.createElement('div');
        el.setAttribute('role', 'status');
        el.dataset.alertType = type;
        el.textContent = message;
        box.replaceChildren(el);
      },
    };
    createRoot(document.getElementById('root')).render(render({ context: c.context, actions }));
  },
  async fetch(url, { method = 'GET', body } = {}) {
    const c = cfg();
    const target = new URL(url);
    const real = new URL(target.pathname + target.search, c.backend);
    for (const [k, v] of Object.entries({ userId: c.userId, userEmail: c.userEmail, appId: c.appId,
      portalId: c.portalId })) real.searchParams.append(k, v);
    const raw = body === undefined ? '' : JSON.stringify(body);
    const timestamp = String(Date.now());
    const signature = await signV3(c.secret, method, real.toString(), raw, timestamp);
    return window.fetch(real.toString(), {
      method,
      body: raw || undefined,
      headers: { 'Content-Type': 'application/json', 'X-HubSpot-Signature-v3': signature,
        'X-HubSpot-Request-Timestamp': timestamp },
    });
  },
};

const field = (label, name, control) => (
  <label className="field" data-field={name}><span>{label}</span>{control}</label>
);

export const Flex = ({ direction = 'row', gap = 'sm', children }) => (
  <div className={`flex ${direction} gap-${gap}`}>{children}</div>
);
export const Heading = ({ children }) => <h2>{children}</h2>;
export const Divider = () => <hr />;
export const Text = ({ format, children }) => (
  <p style={format && format.fontWeight === 'bold' ? { fontWeight: 'bold' } : undefined}>{children}</p>
);
export const LoadingSpinner = ({ label }) => <div role="progressbar" aria-label={label}>…</div>;
export const Alert = ({ title, variant, children }) => (
  <div role="alert" data-variant={variant}><strong>{title}</strong> {children}</div>
);
export const Button = ({ variant, onClick, disabled, children }) => (
  <button type="button" className={variant} onClick={onClick} disabled={disabled}>{children}</button>
);
export const Input = ({ label, name, value, onChange }) => field(label, name,
  <input name={name} value={value ?? ''} onChange={(e) => onChange(e.target.value)} />);
export const NumberInput = ({ label, name, value, min, onChange }) => field(label, name,
  <input type="number" name={name} min={min} value={value ?? ''}
    onChange={(e) => onChange(e.target.value === '' ? undefined : Number(e.target.value))} />);
export const TextArea = ({ label, name, value, onChange }) => field(label, name,
  <textarea name={name} value={value ?? ''} onChange={(e) => onChange(e.target.value)} />);
export const Select = ({ label, name, value, options, onChange }) => field(label, name,
  <select name={name} value={value ?? ''} onChange={(e) => onChange(e.target.value)}>
    {options.map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}
  </select>);
export const Toggle = ({ label, name, checked, onChange }) => field(label, name,
  <input type="checkbox" role="switch" name={name} checked={!!checked} onChange={(e) => onChange(e.target.checked)} />);
export const Tag = ({ children }) => <span className="tag">{children}</span>;
export const ProgressBar = ({ title, value, maxValue, valueDescription }) => (
  <div className="progress" data-title={title}>
    <span>{title}</span><progress value={value} max={maxValue} /><span>{valueDescription}</span>
  </div>
);
export const DescriptionList = ({ children }) => <dl>{children}</dl>;
export const DescriptionListItem = ({ label, children }) => <><dt>{label}</dt><dd>{children}</dd></>;
export const List = ({ children }) => <ul>{React.Children.map(children, (c) => <li>{c}</li>)}</ul>;
