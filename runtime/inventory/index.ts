export { findByInventoryPath, inventoryPath, type InventoryOptions } from "./inventory-path.js";
