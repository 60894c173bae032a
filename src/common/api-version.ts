/** The Engine API versions berthd speaks. */
export const API_VERSION = '1.50';
export const MIN_API_VERSION = '1.24';
