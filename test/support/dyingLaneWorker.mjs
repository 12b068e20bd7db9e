// A lane worker that dies on the first part it is given, as a worker that runs out of memory does: for the tests of
// what the run does when one of its reading threads is gone.
import { parentPort } from "node:worker_threads";

parentPort.on("message", () => {
  throw new Error("the lane worker died");
});
