// Entry for `libk8s synth`: the flagged program, run by the real CLI.
import { build } from './flagged';

build().synth();
