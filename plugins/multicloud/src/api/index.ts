export * from './MulticloudApi';
export * from './MulticloudClient';
