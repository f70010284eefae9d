/**
 * Building the page: every element is made with createElement and every value goes in as a
 * text node, never as markup, so a function that logs `<script>` shows those characters.
 * There is no innerHTML anywhere in the console.
 */

export type Child = Node | string | number | null | undefined | false;

export interface Props {
  class?: string;
  id?: string;
  /** any other attribute, set as text (e.g. href, type, for, aria-label, role) */
  attrs?: Record<string, string | undefined>;
  on?: Partial<{ [K in keyof HTMLElementEventMap]: (event: HTMLElementEventMap[K]) => void }>;
}

function append(parent: Node, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child);
  }
}

function setAttributes(element: Element, attrs: Record<string, string | undefined> = {}): void {
  for (const [name, value] of Object.entries(attrs)) {
    // a style attribute would be refused by the Content-Security-Policy anyway; classes style the page
    if (value !== undefined && name !== 'style' && !name.startsWith('on')) element.setAttribute(name, value);
  }
}

/** An HTML element with its properties and children. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (props.class) element.className = props.class;
  if (props.id) element.id = props.id;
  setAttributes(element, props.attrs);
  for (const [type, listener] of Object.entries(props.on ?? {})) element.addEventListener(type, listener as EventListener);
  append(element, children);
  return element;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/** An SVG element; attributes are presentation attributes (fill, x, width…), which the CSP allows. */
export function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number | undefined> = {},
  ...children: Child[]
): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value !== undefined && name !== 'style' && !name.startsWith('on')) element.setAttribute(name, String(value));
  }
  append(element, children);
  return element;
}

/** Replaces what `parent` shows. */
export function show(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, children);
}

/** A real link inside the console: `#function=…` and friends. */
export function link(href: string, text: Child, props: Props = {}): HTMLAnchorElement {
  return h('a', { ...props, attrs: { ...props.attrs, href } }, text);
}

/** A button that does something when pressed (by mouse, Enter or Space). */
export function button(text: string, onPress: () => void, props: Props = {}): HTMLButtonElement {
  return h('button', { ...props, attrs: { type: 'button', ...props.attrs }, on: { click: () => onPress() } }, text);
}

/** A two-column list of facts (a definition list). */
export function facts(rows: Array<[string, Child]>, props: Props = {}): HTMLDListElement {
  const list = h('dl', { ...props, class: `facts ${props.class ?? ''}`.trim() });
  for (const [term, value] of rows) {
    if (value === undefined || value === null || value === false) continue;
    list.append(h('dt', {}, term), h('dd', {}, value));
  }
  return list;
}

/** A table with a header row; wrapped so that it scrolls sideways on a narrow screen instead of breaking the page. */
export function table(headers: string[], rows: Child[][], props: Props = {}): HTMLDivElement {
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      props,
      h('thead', {}, h('tr', {}, ...headers.map((header) => h('th', { attrs: { scope: 'col' } }, header)))),
      h('tbody', {}, ...rows.map((cells) => h('tr', {}, ...cells.map((cell) => h('td', {}, cell))))),
    ),
  );
}

/** Text as a monospaced block (bodies, log lines): always text, whatever it holds. */
export function pre(text: string, props: Props = {}): HTMLPreElement {
  return h('pre', props, text);
}
