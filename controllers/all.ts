// Every controller the controller-manager can run, by the name `--controllers` uses.
import type { Controller, ControllerContext } from './framework/controller.ts';

export const controllerFactories: Record<string, (ctx: ControllerContext) => Controller> = {};
