/**
 * Types, annotations and permissions shared by the multicloud plugins.
 *
 * @packageDocumentation
 */

export * from './annotations';
export * from './permissions';
export * from './types';
export * from './resourceTypes';
export * from './cost';
export * from './topology';
export * from './alerts';
export * from './sources';
