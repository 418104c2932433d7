// The self-response page of tracer serve: ODK Web Forms renders the study's XForm, prefilled
// for one alumnus, and sends the filled instance back through the same personal link.
import { createApp, h } from 'vue';
import { OdkWebForm, webFormsPlugin, POST_SUBMIT__NEW_INSTANCE } from '@getodk/web-forms';
import { primeVueLocale } from './id.mjs';

const root = document.getElementById('tracer-form');
const base = root.dataset.base; // /r/TOKEN
const t = JSON.parse(document.getElementById('tracer-texts').textContent);
const status = document.getElementById('tracer-status');

function say(cls, text) {
  status.className = cls;
  status.textContent = text;
}

async function main() {
  const resp = await fetch(base + '/form.xml', { credentials: 'omit', cache: 'no-store' });
  if (!resp.ok) {
    say('error', (await resp.text()) || t.loadFailed);
    return;
  }
  const formXml = await resp.text();
  let sending = false;
  const app = createApp({
    render: () => h(OdkWebForm, {
      formXml,
      fetchFormAttachment: () => Promise.resolve(new Response('', { status: 404 })),
      missingResourceBehavior: 'BLANK',
      onSubmit: async (payload, callback) => {
        if (sending) return;
        sending = true;
        say('sending', t.sending);
        try {
          const body = payload.data[0] ?? payload.data;
          const r = await fetch(base + '/submission', { method: 'POST', body, credentials: 'omit' });
          const text = await r.text();
          if (r.ok) {
            say('done', text);
            document.body.dataset.submitted = String(Number(document.body.dataset.submitted || 0) + 1);
            callback({ next: POST_SUBMIT__NEW_INSTANCE });
            window.scrollTo(0, 0);
          } else {
            say('error', text);
            callback({});
          }
        } catch (e) {
          say('error', t.network);
          callback({});
        } finally {
          sending = false;
        }
      },
    }),
  });
  app.use(webFormsPlugin);
  // PrimeVue, which Web Forms draws with, speaks Indonesian: the date picker's months and
  // days, the dropdowns' messages.
  const primevue = app.config.globalProperties.$primevue;
  if (primevue) primevue.config.locale = { ...primevue.config.locale, ...primeVueLocale };
  app.mount(root);
}

main();
