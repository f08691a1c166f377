// jquery 3 ships no types; the setup only hands it to the window.
declare module 'jquery';
