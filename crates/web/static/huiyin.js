// huiyin's own page behaviour, served as a file so that the content security policy can forbid
// inline script: a button with `data-print` prints the page; a form with `data-confirm` asks first;
// a button with `data-use-petitioner` fills the registration form with an earlier case's petitioner;
// a picker of people with `data-narrowed-by="unit"` lists only those within the unit chosen beside it;
// a group of classes offered first for one unit (`data-for-unit`) steps aside when another is chosen;
// a list of articles to cite is narrowed to those holding what is typed in its `data-filters` box.
document.addEventListener('click', (event) => {
  if (event.target.closest('[data-print]')) window.print();
});
document.addEventListener('submit', (event) => {
  const form = event.target.closest('form[data-confirm]');
  if (form && !window.confirm(form.dataset.confirm)) event.preventDefault();
});

document.addEventListener('click', async (event) => {
  const button = event.target.closest('[data-use-petitioner]');
  const form = button && button.closest('form');
  if (!form) return;
  const csrf = form.querySelector('input[name=csrf]');
  let p = null;
  try {
    const response = await fetch(button.dataset.usePetitioner, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      body: new URLSearchParams({ csrf: csrf ? csrf.value : '' }),
    });
    if (response.ok) p = await response.json();
  } catch (e) {
    p = null;
  }
  if (!p) {
    window.alert('未能读取该信访人的信息(可能已退出登录或无权查看),请手工填写。');
    return;
  }
  // Only a resident ID fits the form's ID field; every field is replaced, so that two people's
  // details are never mixed.
  const resident = !p.id_type || p.id_type === 'resident';
  const values = { name: p.name, id_number: resident ? p.id_number : '', phone: p.phone, address: p.address };
  for (const [field, value] of Object.entries(values)) {
    const input = form.querySelector('#' + field);
    if (input) input.value = value || '';
  }
  const name = form.querySelector('#name');
  if (name) {
    name.dispatchEvent(new Event('change', { bubbles: true }));
    name.focus();
  }
});

// Narrows each people picker of a form to those within the unit chosen in the field it names: an
// option's `data-within` holds the codes of the person's unit and the units above it. A person no
// longer listed is no longer chosen. The server checks the match whatever the page sends.
function narrowPeople(form) {
  for (const people of form.querySelectorAll('select[data-narrowed-by]')) {
    const unit = form.querySelector(`[name="${people.dataset.narrowedBy}"]`);
    const chosen = unit ? unit.value : '';
    for (const option of people.options) {
      if (!option.dataset.within) continue;
      option.hidden = chosen !== '' && !option.dataset.within.split(' ').includes(chosen);
      if (option.hidden && option.selected) people.value = '';
    }
  }
}
document.addEventListener('change', (event) => {
  const form = event.target.closest('form');
  if (form && form.querySelector('select[data-narrowed-by]')) narrowPeople(form);
});
document.addEventListener('DOMContentLoaded', () => {
  for (const people of document.querySelectorAll('select[data-narrowed-by]')) narrowPeople(people.form);
});

// The public form's classes offered first for the unit it was opened for: shown while that unit is
// chosen. The same classes stay in their places below, so a choice made in the group is kept there.
document.addEventListener('change', (event) => {
  if (event.target.id !== 'unit' || !event.target.form) return;
  for (const group of event.target.form.querySelectorAll('optgroup[data-for-unit]')) {
    const away = event.target.value !== group.dataset.forUnit;
    const picker = group.closest('select');
    const chosen = group.querySelector('option:checked');
    group.hidden = away;
    group.disabled = away;
    if (away && chosen) {
      const same = [...picker.options].find((o) => o.value === chosen.value && o.parentElement !== group);
      if (same) same.selected = true;
    }
  }
});

// 单位设置: the letterhead's sample follows what is typed (`data-preview` fields into the
// `data-preview-of` places), and a leader picked from the unit's staff (`data-leader`, its
// datalist options carrying their card) fills the row's title and credential with theirs.
document.addEventListener('input', (event) => {
  const field = event.target.closest('[data-preview]');
  if (field) {
    const place = document.querySelector(`[data-preview-of="${field.dataset.preview}"]`);
    if (place) {
      place.replaceChildren();
      if (field.dataset.preview === 'signature') {
        for (const line of field.value.split('\n')) {
          const p = document.createElement('p');
          p.textContent = line;
          place.append(p);
        }
      } else {
        place.textContent = field.value;
      }
    }
  }
  const leader = event.target.closest('input[data-leader]');
  if (leader && leader.list) {
    const option = Array.from(leader.list.options).find((o) => o.value === leader.value);
    const row = leader.closest('[data-leader-row]');
    if (option && row) {
      for (const [selector, value] of [['[data-leader-title]', option.dataset.title], ['[data-leader-credential]', option.dataset.credential]]) {
        const input = row.querySelector(selector);
        if (input) input.value = value || '';
      }
    }
  }
});

// 检索词典: while the search index is rebuilt (`data-running`), its progress is read again every
// second and shown; when it ends, the sentence says so and the bar goes.
(function followReindex() {
  const box = document.querySelector('#reindex[data-running]');
  if (!box) return;
  const text = document.getElementById('reindex-text');
  const bar = document.getElementById('reindex-progress');
  const timer = setInterval(async () => {
    let p = null;
    try {
      const response = await fetch(box.dataset.progressUrl, { headers: { Accept: 'application/json' } });
      if (response.ok) p = await response.json();
    } catch (e) {
      p = null;
    }
    if (!p) return;
    text.textContent = p.text;
    if (bar) {
      bar.max = Math.max(p.total, 1);
      bar.value = p.done;
    }
    if (!p.running) {
      clearInterval(timer);
      if (bar) bar.remove();
      // Said once to a screen reader, at the end, not at every step.
      const done = document.getElementById('reindex-done');
      if (done) done.textContent = p.text;
    }
  }, 1000);
})();

// 政策法规库 (FED-9): typing in an article list's filter shows only the articles holding every word
// typed; a ticked article always stays in sight.
document.addEventListener('input', (event) => {
  const box = event.target.closest('input[data-filters]');
  if (!box) return;
  const list = document.getElementById(box.dataset.filters);
  if (!list) return;
  const words = box.value.trim().split(/\s+/).filter(Boolean);
  for (const label of list.querySelectorAll('label')) {
    const ticked = label.querySelector('input:checked');
    const text = label.textContent;
    label.hidden = !ticked && !words.every((w) => text.includes(w));
  }
});
