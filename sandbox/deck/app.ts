// Deck's application as Deck v3.21.0 boots it (packages/app/src/app.ts): the AngularJS module `netflix.spinnaker`
// made of @spinnaker/core's CORE_MODULE. No cloud provider module: the sandbox has no accounts. Deck's app.ts also
// imports rxjs-compat, which only its provider modules need (core's dist imports rxjs 6 paths only).
import { CORE_MODULE } from '@spinnaker/core';
import { module } from 'angular';

module('netflix.spinnaker', [CORE_MODULE]);
