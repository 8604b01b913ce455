// huiyin's own page behaviour, served as a file so that the content security policy can forbid
// inline script: a button with `data-print` prints the page; a form with `data-confirm` asks first.
document.addEventListener('click', (event) => {
  if (event.target.closest('[data-print]')) window.print();
});
document.addEventListener('submit', (event) => {
  const form = event.target.closest('form[data-confirm]');
  if (form && !window.confirm(form.dataset.confirm)) event.preventDefault();
});
