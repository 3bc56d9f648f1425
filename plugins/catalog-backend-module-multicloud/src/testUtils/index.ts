/**
 * Local servers on 127.0.0.1 that speak the wire formats of the cloud APIs
 * this module reads, one per cloud, and the endpoints the clouds' SDKs take
 * their credentials from on the cloud (Azure's managed identity, Compute
 * Engine's metadata server): the module's own tests and the ingestion
 * benchmark run the sources against them.
 *
 * @packageDocumentation
 */

export { decodeOffsetToken, encodeOffsetToken } from './localServer';
export type { Listing, ServerStats } from './localServer';
export {
  describeRegionsAnswer,
  ec2Error,
  ec2ListingAnswer,
  getCallerIdentityAnswer,
  startFakeEc2Server,
  tagSet,
} from './fakeEc2Server';
export type {
  FakeEc2Server,
  FakeReply,
  RecordedRequest,
} from './fakeEc2Server';
export {
  endpointsOf,
  serveAwsWorld,
  startFakeAwsServer,
} from './fakeAwsServer';
export type {
  AwsReply,
  AwsRequest,
  FakeAwsKind,
  FakeAwsServer,
  FakeAwsWorld,
} from './fakeAwsServer';
export {
  armError,
  armListingPage,
  armListOf,
  armPage,
  startFakeArmServer,
  startFakeManagedIdentityServer,
} from './fakeArmServer';
export type {
  ArmList,
  ArmReply,
  ArmRequest,
  FakeArmServer,
  FakeManagedIdentityServer,
} from './fakeArmServer';
export {
  googleError,
  readMasked,
  searchAnswer,
  startFakeCloudAssetServer,
} from './fakeCloudAssetServer';
export type {
  CloudAssetReply,
  CloudAssetRequest,
  FakeCloudAssetServer,
} from './fakeCloudAssetServer';
export { startFakeGceMetadataServer } from './fakeGceMetadataServer';
export type {
  FakeGceMetadataServer,
  GceMetadataRequest,
} from './fakeGceMetadataServer';
export { startFakeKubernetesApiServer } from './fakeKubernetesApiServer';
export type {
  FakeKubernetesApiServer,
  KubernetesApiReply,
  KubernetesApiRequest,
  KubernetesEstate,
} from './fakeKubernetesApiServer';
