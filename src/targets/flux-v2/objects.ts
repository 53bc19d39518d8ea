/**
 * The Flux v2 objects, made by the classes `cdk8s import` generated from the
 * pinned CRDs (`src/imports/flux-v2-*.ts`, from `schemas/`): the same one way
 * of building objects as the v1 target's constructs. Each object is its
 * class's `manifest(props)`: the class's own conversion of typed props to
 * the Kubernetes JSON (a field its CRD does not have is refused at compile
 * time and dropped at run time), without a construct tree to build and
 * resolve per object; `values`, labels and annotations pass through as given
 * (`null` in values removes a chart default, so it must stay).
 */
import { GitRepository, type GitRepositorySpec } from '../../imports/flux-v2-gitrepository-source.toolkit.fluxcd.io';
import { HelmRelease, type HelmReleaseProps, type HelmReleaseSpec } from '../../imports/flux-v2-helmrelease-helm.toolkit.fluxcd.io';
import { HelmRepository, type HelmRepositorySpec } from '../../imports/flux-v2-helmrepository-source.toolkit.fluxcd.io';
import { ImagePolicy, type ImagePolicySpec } from '../../imports/flux-v2-imagepolicy-image.toolkit.fluxcd.io';
import { ImageRepository, type ImageRepositorySpec } from '../../imports/flux-v2-imagerepository-image.toolkit.fluxcd.io';
import { ImageUpdateAutomation, type ImageUpdateAutomationSpec } from '../../imports/flux-v2-imageupdateautomation-image.toolkit.fluxcd.io';

type Json = Record<string, unknown>;
interface Metadata {
  readonly name: string;
  readonly namespace: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

export function helmReleaseJson(props: HelmReleaseProps & { readonly metadata: Metadata; readonly spec: HelmReleaseSpec }): Json {
  return HelmRelease.manifest(props) as Json;
}

export function gitRepositoryJson(metadata: Metadata, spec: GitRepositorySpec): Json {
  return GitRepository.manifest({ metadata, spec }) as Json;
}

export function helmRepositoryJson(metadata: Metadata, spec: HelmRepositorySpec): Json {
  return HelmRepository.manifest({ metadata, spec }) as Json;
}

export function imageRepositoryJson(metadata: Metadata, spec: ImageRepositorySpec): Json {
  return ImageRepository.manifest({ metadata, spec }) as Json;
}

export function imagePolicyJson(metadata: Metadata, spec: ImagePolicySpec): Json {
  return ImagePolicy.manifest({ metadata, spec }) as Json;
}

export function imageUpdateAutomationJson(metadata: Metadata, spec: ImageUpdateAutomationSpec): Json {
  return ImageUpdateAutomation.manifest({ metadata, spec }) as Json;
}
