// The `image` management group: one module per verb (ls and history live in image-list.ts).
import type { Command } from '../command.js';
import { importCommand } from './image-import.js';
import { imageInspect } from './image-inspect.js';
import { history, images } from './image-list.js';
import { load } from './image-load.js';
import { imagePrune } from './image-prune.js';
import { pull } from './image-pull.js';
import { push } from './image-push.js';
import { rmi } from './image-rm.js';
import { save } from './image-save.js';
import { tag } from './image-tag.js';

export const commands: Command[] = [history, importCommand, imageInspect, load, images, imagePrune, pull, push, rmi, save, tag];
