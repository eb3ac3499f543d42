export { waitForTask, type WaitForTaskOptions, type TaskInfoLike } from "./wait-for-task.js";
export { taskFaultError, type LocalizedFault } from "./task-fault.js";
