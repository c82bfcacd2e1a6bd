/** `cdk synth` entry point (see cdk.json). */
import { App } from 'aws-cdk-lib';
import { buildLandingZone, INITIAL } from './app';

const app = new App();
buildLandingZone(app, INITIAL);
app.synth();
