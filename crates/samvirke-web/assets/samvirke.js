/* Samvirke: progressive enhancement only. Every page works without this file.
   A <select data-autocomplete> (a choice among hundreds, such as the 745 municipalities) becomes
   the GOV.UK accessible autocomplete: type a few letters of a name, pick it with the arrow keys
   and Enter. The select stays in the form, hidden, and carries the value; a name that is typed
   but not chosen sends no value, so the server names the field in its error, as without script.
   The words come from the page (data-ac-* on the script element), in the page's language. */
(function () {
  'use strict';
  var words = document.querySelector('script[data-ac-no-results]');
  if (!words || typeof window.accessibleAutocomplete !== 'function') {
    return;
  }
  var w = words.dataset;
  function fill(text, values) {
    return text.replace(/%([a-z]+)/g, function (all, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : all;
    });
  }
  // Case, accents and the Nordic letters folded, so that "dragor" finds "Dragør".
  function fold(text) {
    return text.toLowerCase()
      .replace(/ø/g, 'o').replace(/æ/g, 'ae').replace(/å/g, 'a')
      .replace(/ä/g, 'a').replace(/ö/g, 'o')
      .normalize('NFD').replace(/[\u0300-\u036f]/g, '');
  }
  function enhance(select) {
    var entries = [];
    Array.prototype.forEach.call(select.options, function (option) {
      if (!option.value) {
        return;
      }
      var parent = option.parentNode;
      var group = parent && parent.tagName === 'OPTGROUP' ? parent.label : '';
      entries.push({ value: option.value, name: option.textContent, group: group });
    });
    // A name that occurs twice (Lund in Sweden and in Norway) is told apart by its group.
    var count = {};
    entries.forEach(function (e) { count[e.name] = (count[e.name] || 0) + 1; });
    var byLabel = {};
    entries.forEach(function (e) {
      e.label = count[e.name] > 1 && e.group ? e.name + ' (' + e.group + ')' : e.name;
      e.folded = fold(e.label);
      byLabel[e.label] = e;
    });
    var chosen = entries.filter(function (e) { return e.value === select.value; })[0];
    var id = select.id;
    var holder = document.createElement('div');
    select.parentNode.insertBefore(holder, select);
    select.id = id + '-select';
    select.required = false;
    select.style.display = 'none';
    window.accessibleAutocomplete({
      element: holder,
      id: id,
      name: '',
      defaultValue: chosen ? chosen.label : '',
      autoselect: true,
      displayMenu: 'overlay',
      minLength: 1,
      source: function (query, populate) {
        var q = fold(query.trim());
        var starts = [];
        var words = [];
        var inside = [];
        entries.forEach(function (e) {
          var at = e.folded.indexOf(q);
          if (at === 0) { starts.push(e.label); }
          else if (at > 0 && /[\s(-]/.test(e.folded.charAt(at - 1))) { words.push(e.label); }
          else if (at > 0) { inside.push(e.label); }
        });
        populate(starts.concat(words, inside));
      },
      onConfirm: function (label) {
        var e = label && byLabel[label];
        if (e) {
          select.value = e.value;
          narrow(select);
        }
      },
      tNoResults: function () { return w.acNoResults; },
      tStatusQueryTooShort: function (n) { return fill(w.acTooShort, { n: n }); },
      tStatusNoResults: function () { return w.acNoResults; },
      tStatusSelectedOption: function (option, length, index) {
        return fill(w.acSelected, { option: option, index: index + 1, total: length });
      },
      tStatusResults: function (length, selected) {
        return fill(length === 1 ? w.acResultsOne : w.acResultsOther, { n: length }) + ' ' + selected;
      },
      tAssistiveHint: function () { return w.acHint; }
    });
    var input = document.getElementById(id);
    if (!input) {
      return;
    }
    if (select.getAttribute('aria-invalid') === 'true') {
      input.setAttribute('aria-invalid', 'true');
    }
    // What is in the box when the form is sent decides: a chosen name, or nothing.
    var form = select.form;
    if (form) {
      form.addEventListener('submit', function () {
        var e = byLabel[input.value.trim()];
        select.value = e ? e.value : '';
      });
    }
  }
  // A select with data-filters="other" offers in the other select only the group of its chosen
  // option's country (data-country on both selects' optgroups): a Norwegian resident is offered
  // Norwegian services. Without script the server does the same once the municipality is sent.
  function narrow(select) {
    var target = select.dataset.filters && document.getElementById(select.dataset.filters);
    var chosen = select.options[select.selectedIndex];
    var group = chosen && chosen.parentNode;
    var country = group && group.tagName === 'OPTGROUP' ? group.dataset.country : '';
    if (!target || !country) {
      return;
    }
    Array.prototype.forEach.call(target.querySelectorAll('optgroup[data-country]'), function (g) {
      var other = g.dataset.country !== country;
      g.hidden = other;
      g.disabled = other;
      if (other && g.contains(target.options[target.selectedIndex])) {
        target.value = '';
      }
    });
  }
  Array.prototype.forEach.call(document.querySelectorAll('select[data-autocomplete]'), enhance);
})();
