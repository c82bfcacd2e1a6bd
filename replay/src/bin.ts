/**
 * The command's entry point: `cdk-threat-detection-replay --organization <file> <cdk.out>...`
 * (from this repository, `npx projen replay <args>`). Sets the exit status `main` resolves with.
 */
import { main } from './cli';

main(process.argv.slice(2)).then((status) => { process.exitCode = status; }, (err) => {
  // Not a stack failure (1): the command's own error.
  console.error(err);
  process.exitCode = 3;
});
