import jquery from 'jquery';

// Deck provides jQuery as a global; @spinnaker/core's dependencies (Bootstrap's JavaScript, angular) need it before
// they load, so this module is imported first.
Object.assign(window, { $: jquery, jQuery: jquery });
