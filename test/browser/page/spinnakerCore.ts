// Deck gives plugins @spinnaker/core at run time; the test page needs only the settings the log client reads.
export const SETTINGS = { gateUrl: 'http://gate.test' };
