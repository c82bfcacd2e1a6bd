/**
 * The command's entry point: `cdk-threat-detection replay <args>` (from this repository,
 * `npx projen replay <args>`). Sets the exit status `main` resolves with.
 */
import { main, USAGE } from './cli';

const [command, ...args] = process.argv.slice(2);
if (command !== 'replay') {
  console.log(command === undefined || command === '--help' || command === '-h'
    ? USAGE : `cdk-threat-detection: unknown command ${JSON.stringify(command)}; the command is "replay"\n\n${USAGE}`);
  process.exitCode = command === undefined || command === '--help' || command === '-h' ? 0 : 2;
} else {
  main(args).then((status) => { process.exitCode = status; }, (err) => {
    console.error(err);
    process.exitCode = 1;
  });
}
