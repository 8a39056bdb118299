// Arrays of objects (e.g. delegation members): add and remove rows. Indices need not be
// contiguous: the server reads the rows in index order.
(function () {
  function nextIndex(fieldset) {
    var button = fieldset.querySelector(':scope > .add-row');
    var n = parseInt(button.getAttribute('data-next') || '0', 10);
    fieldset.querySelectorAll(':scope > .rows > .array-row').forEach(function (row) {
      var i = parseInt(row.getAttribute('data-index'), 10);
      if (!isNaN(i) && i >= n) { n = i + 1; }
    });
    button.setAttribute('data-next', String(n + 1));
    return n;
  }
  document.addEventListener('click', function (event) {
    var target = event.target;
    if (target.classList.contains('add-row')) {
      var fieldset = target.closest('fieldset.array');
      var template = fieldset.querySelector(':scope > template');
      var index = nextIndex(fieldset);
      var html = template.innerHTML.split('__INDEX__').join(String(index));
      var holder = document.createElement('div');
      holder.innerHTML = html.trim();
      var row = holder.firstElementChild;
      row.querySelector('.row-no').textContent = String(fieldset.querySelectorAll(':scope > .rows > .array-row').length + 1);
      fieldset.querySelector(':scope > .rows').appendChild(row);
      var first = row.querySelector('input, select, textarea');
      if (first) { first.focus(); }
    } else if (target.classList.contains('remove-row')) {
      var r = target.closest('.array-row');
      if (r) { r.remove(); }
    }
  });
})();
