// huiyin's own page behaviour, served as a file so that the content security policy can forbid
// inline script: a button with `data-print` prints the page; a form with `data-confirm` asks first;
// a button with `data-use-petitioner` fills the registration form with an earlier case's petitioner.
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
