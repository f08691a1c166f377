export const WEBHOOK_SECRET = 'bench-webhook-secret';
export const STAGE_SECRET = 'bench-stage-secret-0123456789';
