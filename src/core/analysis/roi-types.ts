// The shape of a region of interest (issue 14 §6–7), shared by the ROI tool (drawn shapes) and segmentation
// (segments exported as ROIs). Coordinates are image pixel coordinates of the dataset grid (0-based column x,
// row y, as in `DatasetMeta.width/height`), not imzML's 1-based ones. A pixel belongs to a polygon or rectangle
// when its centre (x + 0.5, y + 0.5) lies inside; only sample pixels (mask = 1) count in statistics.
export type RoiShape =
  | { kind: 'polygon'; /** vertices, x0,y0,x1,y1,… (closed implicitly) */ points: number[] }
  | { kind: 'rect'; x: number; y: number; w: number; h: number }
  /** explicit pixel list (row-major indices y * width + x), e.g. a segmentation segment */
  | { kind: 'pixels'; indices: Uint32Array };

export interface Roi {
  /** stable id (unique within a dataset) */
  id: string;
  name: string;
  /** CSS colour used to draw it, e.g. '#e6194b' */
  color: string;
  shape: RoiShape;
}
