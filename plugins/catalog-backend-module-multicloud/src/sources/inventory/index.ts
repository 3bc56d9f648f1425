export {
  createInventorySource,
  readInventoryFolder,
} from './createInventorySource';
