export { createContainerView, createListView, type ViewOptions } from "./container-view.js";
export { viewHandle, type ViewHandle, type ViewType } from "./view-handle.js";
