// A gateway in a child process that kills itself (SIGKILL: no cleanup at all) at a chosen point, so that a test
// can restart it and see what a crash there leaves behind. Config in GATEWAY_CHILD_CONFIG (JSON), the point in
// GATEWAY_CHILD_KILL: `beforeAck` (an incoming package stored, the hub not told) or `afterSubmit` (the hub
// accepted an outgoing package, the spool not told).
import { startGateway } from '../gateway.js';

const config = JSON.parse(process.env['GATEWAY_CHILD_CONFIG'] ?? '{}') as unknown;
const point = process.env['GATEWAY_CHILD_KILL'];
const die = () => {
  process.kill(process.pid, 'SIGKILL');
};
const gateway = await startGateway(config, {
  hooks: point === 'beforeAck' ? { beforeAck: die } : point === 'afterSubmit' ? { afterSubmit: die } : {},
});
process.send?.({ url: gateway.url });
