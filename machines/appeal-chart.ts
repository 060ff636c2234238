import { appealMachine } from './appeal';

export interface ChartNode {
  /** Phase path, e.g. 'handling.extensionPending'. */
  id: string;
  parent: string | null;
  final: boolean;
}
export interface ChartEdge {
  from: string;
  to: string;
  event: string;
}

/**
 * The phase region of the lifecycle as nodes and edges, read from the machine definition itself,
 * so the chart on the appeal page can never disagree with what the server enforces.
 */
export function lifecycleChart(): { nodes: ChartNode[]; edges: ChartEdge[] } {
  const phase = appealMachine.root.states.phase;
  const nodes: ChartNode[] = [];
  const edges: ChartEdge[] = [];
  const idOf = (node: { path: string[] }) => node.path.slice(1).join('.');
  const visit = (node: typeof phase, parent: string | null) => {
    for (const child of Object.values(node.states)) {
      const id = idOf(child);
      nodes.push({ id, parent, final: child.type === 'final' });
      for (const [event, list] of child.transitions) {
        for (const t of list) {
          for (const target of t.target ?? []) {
            const to = idOf(target);
            if (to !== id && !edges.some((e) => e.from === id && e.to === to && e.event === event))
              edges.push({ from: id, to, event });
          }
        }
      }
      visit(child as typeof phase, id);
    }
  };
  visit(phase, null);
  return { nodes, edges };
}
