export * from './config';
export * from './sharp-image-engine';
