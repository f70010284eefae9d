/** An environment's documents (what functions read with context.getDoc): list, view, edit, add, delete, through the management API. */
import type { UserDocument } from '../../../../spec/wire';
import { button, h, link, pre, show, table } from '../dom';
import { dateTime } from '../format';
import { hashOf } from '../session';
import { loadDeployed, type ViewContext } from './context';

function documentsPath(environmentId: string, key?: string): string {
  const base = `/functions/environment/${encodeURIComponent(environmentId)}/userDocument`;
  return key === undefined ? base : `${base}/${encodeURIComponent(key)}`;
}

function valueText(value: unknown): string {
  return JSON.stringify(value, null, 2) ?? '';
}

/** The value typed in: JSON when it parses, else the text as a string. */
function parsedValue(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export async function documentsView(context: ViewContext, environmentId: string): Promise<void> {
  const { api } = context;
  const place = (await loadDeployed(api)).environment(environmentId);
  const heading = h(
    'h1',
    { attrs: { tabindex: '-1' } },
    'Documents',
    place ? h('span', { class: 'id' }, `${place.application.name} / ${place.environment.name}`) : null,
  );
  const list = h('div', { class: 'documents' });
  const editor = h('section', { class: 'panel editor', attrs: { 'aria-label': 'Document' } });
  editor.hidden = true;

  const refresh = async (): Promise<void> => {
    const documents = await api.get<UserDocument>(documentsPath(environmentId));
    documents.sort((a, b) => a.key.localeCompare(b.key));
    if (documents.length === 0) {
      show(list, h('p', { class: 'muted' }, 'No documents in this environment.'));
      return;
    }
    show(
      list,
      table(
        ['Key', 'Value', 'Updated', ''],
        documents.map((document) => [
          h('code', {}, document.key),
          h('span', { class: 'value-preview' }, JSON.stringify(document.value) ?? ''),
          document.updatedAt ? dateTime(Date.parse(document.updatedAt)) : '–',
          h(
            'div',
            { class: 'actions' },
            button('View', () => open(document, false)),
            button('Edit', () => open(document, true)),
            deleteButton(document.key),
          ),
        ]),
      ),
    );
  };

  const deleteButton = (key: string): HTMLElement => {
    const holder = h('span', { class: 'delete' });
    const ask = (): void => {
      const confirm = button(
        'Confirm delete',
        () => {
          api
            .send('DELETE', documentsPath(environmentId, key))
            .then(async () => {
              context.status(`Deleted the document ${key}.`);
              editor.hidden = true;
              await refresh();
            })
            .catch((error: Error) => context.status(`Delete failed: ${error.message}`, 'error'));
        },
        { class: 'danger' },
      );
      show(
        holder,
        confirm,
        button('Cancel', () => show(holder, initial)),
      );
      confirm.focus();
    };
    const initial = button('Delete', ask, { class: 'danger', attrs: { 'aria-label': `Delete ${key}` } });
    show(holder, initial);
    return holder;
  };

  /** Shows a document, read-only or in the editor; a new one when `document` is undefined. */
  const open = (document: UserDocument | undefined, editing: boolean): void => {
    editor.hidden = false;
    const title = h('h2', { attrs: { tabindex: '-1' } }, document ? `Document ${document.key}` : 'New document');
    if (document && !editing) {
      show(
        editor,
        title,
        pre(valueText(document.value), { class: 'body' }),
        h(
          'div',
          { class: 'actions' },
          button('Edit', () => open(document, true)),
          button('Close', () => (editor.hidden = true)),
        ),
      );
      title.focus();
      return;
    }
    const key = h('input', { id: 'document-key', attrs: { type: 'text', spellcheck: 'false', autocomplete: 'off' } });
    key.value = document?.key ?? '';
    key.readOnly = document !== undefined;
    const value = h('textarea', { id: 'document-value', attrs: { rows: '10', spellcheck: 'false' } });
    value.value = document ? valueText(document.value) : '{\n  \n}';
    const error = h('p', { class: 'error-text', attrs: { 'aria-live': 'polite' } });
    const form = h(
      'form',
      {
        on: {
          submit: (event) => {
            event.preventDefault();
            const body = { userDocument: { key: key.value, value: parsedValue(value.value) } };
            const saving = document
              ? api.send('PUT', documentsPath(environmentId, document.key), body)
              : api.send('POST', documentsPath(environmentId), body);
            saving
              .then(async () => {
                context.status(`Saved the document ${key.value}.`);
                editor.hidden = true;
                await refresh();
              })
              .catch((failure: Error) => (error.textContent = failure.message));
          },
        },
      },
      h('label', { attrs: { for: 'document-key' } }, 'Key'),
      key,
      h('label', { attrs: { for: 'document-value' } }, 'Value (JSON; other text is saved as a string)'),
      value,
      error,
      h(
        'div',
        { class: 'actions' },
        h('button', { class: 'primary', attrs: { type: 'submit' } }, 'Save'),
        button('Cancel', () => (editor.hidden = true)),
      ),
    );
    show(editor, title, form);
    (document ? value : key).focus();
  };

  show(
    context.main,
    h('p', { class: 'crumbs' }, link(hashOf({ view: 'overview' }), 'Overview'), ' /'),
    heading,
    h(
      'div',
      { class: 'actions' },
      button('New document', () => open(undefined, true), { class: 'primary' }),
    ),
    editor,
    h('section', { class: 'panel' }, list),
  );
  await refresh();
}
