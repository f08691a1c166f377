// The jQuery that index.html loads (3.5.1, with jQuery UI on it, as Deck's index.html loads them) is the only one:
// @spinnaker/core's `import 'jquery'` and its plugins' `require('jquery')` get it too. CommonJS, so both read it whole.
module.exports = window.jQuery;
