/**
 * Image data for grey-scale models: {@link dev.nova.kit.image.Idx} files (gzip or plain),
 * {@link dev.nova.kit.image.ImageData} (IDX folders, PNG/JPEG folders with classes, {@code builtin:shapes}),
 * reshuffled {@link dev.nova.kit.image.EpochOrder}s, and {@link dev.nova.kit.image.ImageSamples} for building
 * {@link dev.nova.api.Sample.Image}s.
 *
 * @since 0.1
 */
package dev.nova.kit.image;
